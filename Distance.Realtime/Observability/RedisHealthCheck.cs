using Distance.Realtime.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Distance.Realtime.Observability;

/// <summary>
/// Redis answers a PING. While the multiplexer has no connection the answer is "unhealthy" at once:
/// a PING would only wait out the client's timeout in its backlog, so readiness turned red some
/// seconds into an outage (the Redis restart drill saw a 5 s outage pass without it) and every
/// readiness probe held a request that long.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.CanWrite())
            return HealthCheckResult.Unhealthy("Redis is not connected.");
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer.", exception);
        }
    }
}
