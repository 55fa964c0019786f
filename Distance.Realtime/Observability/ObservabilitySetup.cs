using Distance.Realtime.Redis;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Distance.Realtime.Observability;

internal static class ObservabilitySetup
{
    private const string ReadyTag = "ready";
    private const string WarmUpCheck = "warm-up";

    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddSingleton<DistanceMetrics>();
        services.AddNoRequestLineLogs();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("distance-realtime"))
            .WithMetrics(metrics => metrics
                .AddMeter(DistanceMetrics.MeterName)
                .AddMeter(Distance.Data.Database.ReadRouting.MeterName)
                .AddMeter(
                    "Microsoft.AspNetCore.Hosting",
                    "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.Http.Connections",
                    "Microsoft.AspNetCore.SignalR",
                    "Microsoft.AspNetCore.RateLimiting",
                    "Microsoft.AspNetCore.Diagnostics",
                    "System.Net.Http",
                    // .NET's own runtime and process metrics (GC, thread pool, CPU, working set): no extra package.
                    "System.Runtime",
                    // MariaDB connection pool: db.client.connections.usage / .max / .pending_requests / .wait_time.
                    "MySqlConnector",
                    // The SMS pipeline's retries and timeouts.
                    "Polly")
                .AddPrometheusExporter())
            .WithDistanceTracing();
        // After OpenTelemetry's own hosted service: only a listening meter provider records the zeros.
        services.AddHostedService<MetricsWarmUp>();
        // Each GC pause, for a pause p99 (the runtime's metrics only give the total).
        services.AddHostedService(provider => GcPauseListener.Create(provider.GetRequiredService<DistanceMetrics>()));

        // Ready means ready for a surge: the hot paths ran before /health/ready turns 200 (issue 20).
        services.AddOptions<WarmUpOptions>().BindConfiguration(WarmUpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WarmUp>();
        services.AddHostedService(provider => provider.GetRequiredService<WarmUp>());
        services.AddSingleton<IWarmUpStep, MariaDbPoolWarmUp>();

        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(2))
            .AddCheck<MariaDbHealthCheck>("mariadb", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(2))
            .AddCheck<WarmUpHealthCheck>(WarmUpCheck, tags: [ReadyTag]);
        // The same checks, run in the background, feed the distance.health.status gauge.
        services.AddSingleton<IHealthCheckPublisher, HealthMetrics>();
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = TimeSpan.FromSeconds(5);
            // The gauge and its alert are about dependencies; the warm-up is readiness alone.
            options.Predicate = check => check.Name != WarmUpCheck;
        });
        return services;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReport,
            // A warming node is Degraded (logged as a warning per probe, not an error) and not ready.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Says which dependency is down, e.g. <c>{"status":"Unhealthy","checks":{"redis":"Unhealthy","mariadb":"Healthy"}}</c>.</summary>
    private static Task WriteReport(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        });
}
