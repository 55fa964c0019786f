using Distance.Data.Database;
using Distance.Push.Delivery;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Distance.Push;

public static class PushWorkerSetup
{
    /// <summary>Everything the worker process runs: options, Redis, MariaDB, both providers, the worker, metrics and health.</summary>
    public static IServiceCollection AddPushWorker(this IServiceCollection services)
    {
        services.TryAddSingletonTimeProvider();
        services.AddOptions<PushWorkerOptions>().BindConfiguration(PushWorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FcmOptions>().BindConfiguration(FcmOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Enabled || o.ServiceAccountJson.Length > 0 || File.Exists(o.ServiceAccountFile), "Push:Fcm:ServiceAccountFile does not exist.")
            .ValidateOnStart();
        services.AddOptions<WebPushOptions>().BindConfiguration(WebPushOptions.Section).ValidateDataAnnotations()
            .Validate(o => (o.PublicKey.Length > 0) == (o.PrivateKey.Length > 0), "Push:WebPush needs both PublicKey and PrivateKey, or neither.")
            .Validate(o => !o.Enabled || VapidKeys.AreValid(o.PublicKey, o.PrivateKey), "Push:WebPush keys are not a P-256 key pair in base64url.")
            .Validate(o => o.Subject.StartsWith("mailto:", StringComparison.Ordinal) || o.Subject.StartsWith("https:", StringComparison.Ordinal),
                "Push:WebPush:Subject must be a mailto: or https: URI.")
            .ValidateOnStart();
        services.AddOptions<PushRedisOptions>().BindConfiguration(PushRedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddDistanceDataSource();
        services.AddSingleton<Distance.Data.Push.PushRegistrationRepository>();
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configuration = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<PushRedisOptions>>().Value.ConnectionString);
            configuration.AbortOnConnectFail = false;
            configuration.ClientName = "distance-push-" + Environment.MachineName;
            return ConnectionMultiplexer.Connect(configuration);
        });
        services.AddSingleton(sp =>
        {
            var prefix = sp.GetRequiredService<IOptions<PushRedisOptions>>().Value.KeyPrefix;
            var database = sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            return prefix.Length == 0 ? database : database.WithKeyPrefix(prefix);
        });

        services.AddSingleton<FcmCredential>();
        services.AddHttpClient<FcmSender>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<FcmOptions>>().Value.Endpoint;
            http.Timeout = sp.GetRequiredService<IOptions<PushWorkerOptions>>().Value.SendTimeout;
        });
        services.AddHttpClient<WebPushSender>((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<PushWorkerOptions>>().Value.SendTimeout);
        services.AddSingleton<PushDelivery>();
        services.AddSingleton<PushStream>();
        services.AddSingleton<PushWorkerMetrics>();
        services.AddSingleton<PushWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PushWorker>());
        services.AddHostedService<StreamLagSampler>();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("distance-push"))
            .WithMetrics(metrics => metrics
                // .NET's own runtime meter (GC, thread pool, CPU, memory), as the nodes use.
                .AddMeter(PushWorkerMetrics.MeterName, "System.Net.Http", "System.Runtime")
                .AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<PushReadiness>("dependencies", tags: ["ready"], timeout: TimeSpan.FromSeconds(2));
        return services;
    }

    public static WebApplication MapPushWorker(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
            services.AddSingleton(TimeProvider.System);
    }
}

/// <summary>Ready when Redis answers and MariaDB accepts a connection (the worker needs both).</summary>
internal sealed class PushReadiness(IDatabase redis, MySqlConnector.MySqlDataSource database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.PingAsync();
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RedisException or MySqlConnector.MySqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }
    }
}
