using Distance.Realtime.Observability;
using Distance.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Decides, for this node, whether rate-limit decisions can go to Redis right now. While Redis is
/// unreachable every limiter falls back to a node-local bucket with the same numbers instead of
/// failing the request or waiting for Redis timeouts: limits then hold per node (N nodes allow up
/// to N times the limit) until Redis answers again. The readiness check reports the outage.
/// </summary>
public sealed partial class RedisLimiterGuard(
    IConnectionMultiplexer redis, IOptions<RateLimitingOptions> options, DistanceMetrics metrics, TimeProvider clock,
    ILogger<RedisLimiterGuard> logger)
{
    private long retryAtTicks;
    private int degraded;

    /// <summary>True when the limiter should ask Redis; false while a recent failure or a lost connection says it would only time out.</summary>
    public bool UseRedis
    {
        get
        {
            if (!redis.CanWrite())
            {
                Degrade("not connected");
                return false;
            }
            return clock.GetUtcNow().UtcTicks >= Interlocked.Read(ref retryAtTicks);
        }
    }

    public void Succeeded()
    {
        if (Interlocked.Exchange(ref degraded, 0) == 1)
            LogRecovered();
    }

    public void Failed(Exception exception)
    {
        Interlocked.Exchange(ref retryAtTicks, (clock.GetUtcNow() + options.Value.RedisRetryInterval).UtcTicks);
        Degrade(exception.GetType().Name + ": " + exception.Message);
    }

    /// <summary>Counts a decision made locally, so dashboards and alerts see the degraded mode.</summary>
    public void DecidedLocally(string policy) =>
        metrics.RateLimitLocalDecisions.Add(1, new KeyValuePair<string, object?>("policy", policy));

    private void Degrade(string reason)
    {
        // Log the transition once, not every request of an outage.
        if (Interlocked.Exchange(ref degraded, 1) == 0)
            LogDegraded(reason);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rate limiting falls back to node-local buckets: Redis is unavailable ({Reason}). Limits now hold per node, not per cluster.")]
    private partial void LogDegraded(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limiting is back on Redis: limits hold across the cluster again.")]
    private partial void LogRecovered();
}
