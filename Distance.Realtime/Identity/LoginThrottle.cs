using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

/// <summary>
/// Wrong passwords per phone in Redis (a sorted set of failure times), so the limit holds whatever
/// the caller's address and on every node: the per-IP limiter cannot stop a botnet guessing one
/// account's password, this can. Unknown phones count like known ones, so the answer reveals nothing.
/// </summary>
public sealed class LoginThrottle(IDatabase redis, IOptions<AccountsOptions> options, TimeProvider clock)
{
    private static RedisKey Key(string phone) => "auth:login-fail:" + phone;

    // KEYS: failures  ARGV: now ms, window ms, max. Returns the wait in ms (0: go ahead).
    private const string CheckScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then return 0 end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return math.max(1000, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]))
        """;

    /// <summary>How long logins for this phone are refused; zero when a try is allowed.</summary>
    public async Task<TimeSpan> WaitAsync(string phone)
    {
        var o = options.Value;
        var wait = (long)await redis.ScriptEvaluateAsync(CheckScript, [Key(phone)],
            [clock.GetUtcNow().ToUnixTimeMilliseconds(), (long)o.LoginFailureWindow.TotalMilliseconds, o.LoginFailuresPerPhone]);
        return TimeSpan.FromMilliseconds(wait);
    }

    public async Task FailedAsync(string phone)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var key = Key(phone);
        // A random suffix keeps two failures in the same millisecond apart.
        var member = now.ToString(CultureInfo.InvariantCulture) + ":" + Random.Shared.Next().ToString(CultureInfo.InvariantCulture);
        await Task.WhenAll(redis.SortedSetAddAsync(key, member, now), redis.KeyExpireAsync(key, options.Value.LoginFailureWindow));
    }

    /// <summary>The right password clears the count: only the owner can.</summary>
    public Task SucceededAsync(string phone) => redis.KeyDeleteAsync(Key(phone));
}
