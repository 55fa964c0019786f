using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Distance.Realtime.Observability;

/// <summary>
/// The health checks' latest results as the gauge <c>distance.health.status</c> (1 healthy,
/// 0.5 degraded, 0 unhealthy) per check, so Grafana and alerts see Redis and MariaDB the way
/// <c>/health/ready</c> does. The checks run in the background every few seconds.
/// </summary>
internal sealed class HealthMetrics : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, double> latest = new();

    public HealthMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(DistanceMetrics.MeterName);
        meter.CreateObservableGauge("distance.health.status", Observe, unit: null,
            description: "Latest health-check result per dependency: 1 healthy, 0.5 degraded, 0 unhealthy.");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
            latest[name] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<double>> Observe() =>
        latest.Select(e => new Measurement<double>(e.Value, new KeyValuePair<string, object?>("check", e.Key)));
}
