namespace Distance.Realtime.Observability;

/// <summary>
/// Gives counters a first value of 0 at start-up, so dashboards and alerts see 0 rather than "no
/// data" before the first message. A measurement only counts once the meter provider listens, so
/// this runs as a hosted service registered after OpenTelemetry's.
/// </summary>
internal sealed class MetricsWarmUp(DistanceMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.MessagesReceived.Add(0);
        metrics.MessagesDelivered.Add(0);
        metrics.MessagesPersisted.Add(0);
        metrics.BackplanePublishFailures.Add(0);
        metrics.HubFloodDisconnects.Add(0);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
