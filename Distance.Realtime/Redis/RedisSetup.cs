using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Distance.Realtime.Redis;

internal static class RedisSetup
{
    /// <summary>
    /// One multiplexer per process, and an <see cref="IDatabase"/> that prefixes every key with
    /// <see cref="RedisOptions.KeyPrefix"/>: features use that database and never build prefixes by hand.
    /// </summary>
    public static IServiceCollection AddRedis(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => TryParse(o.ConnectionString), "Redis:ConnectionString is not a valid StackExchange.Redis configuration.")
            // WAIT holds its command for up to ReplicaWaitTimeout; the command must not time out first.
            .Validate(o => !UsesSentinels(o.ConnectionString) || o.ReplicaWaitTimeout < o.OperationTimeout,
                "With sentinels, Redis:ReplicaWaitTimeout must be shorter than Redis:OperationTimeout.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, SentinelCheck>();

        // With serviceName= the endpoints are sentinels: Connect asks them for the primary and
        // follows their switch-master announcements from then on.
        services.AddSingleton<SentinelFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<SentinelFollower>());
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configuration = Configure(sp.GetRequiredService<IOptions<RedisOptions>>().Value);
            // Commands fail at once while no connection can take them, instead of waiting in the
            // client's backlog for the operation timeout: in the seconds of a Sentinel promotion a
            // send that passed the CanWrite check still waited 5 s for a rate-limit script, then
            // failed (redis-failover drill). Callers answer "unavailable" or fall back. The
            // backplane keeps the default: a broadcast waits for the reconnect rather than being lost.
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            return sp.GetRequiredService<SentinelFollower>().Follow(ConnectionMultiplexer.Connect(configuration), "node");
        });
        services.AddSingleton(sp => new ReplicatedWrites(sp.GetRequiredService<IDatabase>(), sp.GetRequiredService<IOptions<RedisOptions>>(),
            sp.GetRequiredService<SentinelFollower>(), sp.GetRequiredService<ILogger<ReplicatedWrites>>()));
        services.AddSingleton(sp => Prefixed(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<RedisOptions>>().Value));
        return services;
    }

    public static ConfigurationOptions Configure(RedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.ConnectionString);
        // Keep retrying in the background instead of failing the boot or the caller: the
        // readiness check reports the outage, and features answer "unavailable" meanwhile.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        // The default backs off from half the connect timeout (2.5 s) up to 10 s between attempts:
        // after a Sentinel promotion, whose new primary drops every client once, the nodes then
        // sat ~5 s without Redis (redis-failover drill). Retry within a quarter second, at most every 2 s.
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        configuration.ClientName = "distance-" + Environment.MachineName;
        return configuration;
    }

    /// <summary>The multiplexer's database with every key under <see cref="RedisOptions.KeyPrefix"/>.</summary>
    public static IDatabase Prefixed(IConnectionMultiplexer multiplexer, RedisOptions options) =>
        options.KeyPrefix.Length == 0 ? multiplexer.GetDatabase() : multiplexer.GetDatabase().WithKeyPrefix(options.KeyPrefix);

    public static bool UsesSentinels(string value) => TryParse(value) && !string.IsNullOrEmpty(ConfigurationOptions.Parse(value).ServiceName);

    private static bool TryParse(string value)
    {
        try
        {
            return ConfigurationOptions.Parse(value).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
