using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// One partition's token bucket (one member or one IP under one policy): kept in Redis so every
/// node draws from the same bucket, with a node-local bucket of the same size standing in while
/// <see cref="RedisLimiterGuard"/> says Redis is unavailable. Leases carry the policy name and a
/// Retry-After, whichever side decided.
/// </summary>
internal sealed class ResilientTokenBucket : RateLimiter
{
    private readonly string policy;
    private readonly TokenBucketLimit limit;
    private readonly RedisLimiterGuard guard;
    private readonly TimeProvider clock;
    private readonly RedisTokenBucketRateLimiter<string> shared;
    private readonly Lock localLock = new();
    private TokenBucketRateLimiter? local;
    private long lastUsed;

    public ResilientTokenBucket(
        string redisKey, string policy, TokenBucketLimit limit, IConnectionMultiplexer redis, RedisLimiterGuard guard, TimeProvider clock)
    {
        this.policy = policy;
        this.limit = limit;
        this.guard = guard;
        this.clock = clock;
        lastUsed = clock.GetTimestamp();
        shared = new RedisTokenBucketRateLimiter<string>(redisKey, new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            TokenLimit = limit.TokenLimit,
            TokensPerPeriod = limit.TokensPerPeriod,
            ReplenishmentPeriod = limit.ReplenishmentPeriod,
        });
    }

    /// <summary>
    /// The library's Redis limiters report "idle for zero", so the partitioned limiter would keep
    /// one per member or IP forever; report the time since last use instead, and never drop a
    /// partition whose local fallback still holds state.
    /// </summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            var fallback = local;
            if (fallback is not null && fallback.IdleDuration is null)
                return null;
            return clock.GetElapsedTime(Interlocked.Read(ref lastUsed));
        }
    }

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>
    /// Never decides synchronously: that would block a thread-pool thread on Redis. The middleware
    /// then calls <see cref="AcquireAsyncCore"/>, which does the real work.
    /// </summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => PolicyLease.NotYetDecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref lastUsed, clock.GetTimestamp());
        if (guard.UseRedis)
        {
            try
            {
                var lease = await shared.AcquireAsync(permitCount, cancellationToken);
                guard.Succeeded();
                return new PolicyLease(lease, policy, limit.MinimumRetryAfter);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                guard.Failed(exception);
            }
        }
        guard.DecidedLocally(policy);
        return new PolicyLease(Local().AttemptAcquire(permitCount), policy, limit.MinimumRetryAfter);
    }

    private TokenBucketRateLimiter Local()
    {
        lock (localLock)
        {
            return local ??= new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.TokenLimit,
                TokensPerPeriod = limit.TokensPerPeriod,
                ReplenishmentPeriod = limit.ReplenishmentPeriod,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local?.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await shared.DisposeAsync();
        if (local is not null)
            await local.DisposeAsync();
    }
}
