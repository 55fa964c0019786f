using StackExchange.Redis;

namespace Distance.Realtime.Identity;

/// <summary>
/// A counter that allows <paramref name="Max"/> codes until the key expires after <paramref name="Window"/>;
/// a full counter refuses with <paramref name="Refusal"/>.
/// </summary>
public sealed record CodeLimit(RedisKey Counter, int Max, TimeSpan Window, IssueStatus Refusal = IssueStatus.LimitReached);

public enum IssueStatus { Issued, TooSoon, LimitReached, BudgetExhausted }

public sealed record IssueResult(IssueStatus Status, TimeSpan RetryAfter);

public enum ConfirmStatus { Confirmed, Mismatch, Expired, Locked }

public sealed record ConfirmResult(ConfirmStatus Status, string? Data = null);

/// <summary>
/// One-time codes in Redis (SMS and school e-mail). Each step is one Lua script, so the check of
/// every limit and the write that consumes it happen atomically: two nodes can never both pass a
/// limit, and nothing about a code lives in process memory.
/// </summary>
public sealed class OneTimeCodes(IDatabase redis)
{
    // KEYS: code, cooldown, counters…  ARGV: code, code ttl ms (0: count only), cooldown ms, data,
    // then (max, window ms, refusal status) per counter.
    private const string IssueScript = """
        local wait = redis.call('PTTL', KEYS[2])
        if wait > 0 then return {1, wait} end
        for i = 3, #KEYS do
          local used = tonumber(redis.call('GET', KEYS[i]) or '0')
          if used >= tonumber(ARGV[5 + (i - 3) * 3]) then return {tonumber(ARGV[7 + (i - 3) * 3]), redis.call('PTTL', KEYS[i])} end
        end
        for i = 3, #KEYS do
          if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[6 + (i - 3) * 3]) end
        end
        if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[2], '1', 'PX', ARGV[3]) end
        if tonumber(ARGV[2]) > 0 then
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[1], 'code', ARGV[1], 'data', ARGV[4], 'attempts', '0')
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return {0, 0}
        """;

    /// <summary>
    /// Stores <paramref name="code"/> (replacing an earlier one) unless the resend spacing or a
    /// limit forbids it; counts it against every limit. A zero <paramref name="lifetime"/> counts
    /// and spaces without storing a code (an answer that must cost what a sent code costs).
    /// </summary>
    public async Task<IssueResult> IssueAsync(
        RedisKey codeKey, string code, string data, TimeSpan lifetime, RedisKey cooldownKey, TimeSpan cooldown, IReadOnlyList<CodeLimit> limits)
    {
        RedisKey[] keys = [codeKey, cooldownKey, .. limits.Select(l => l.Counter)];
        RedisValue[] values =
        [
            code, Milliseconds(lifetime), Milliseconds(cooldown), data,
            .. limits.SelectMany(l => new RedisValue[] { l.Max, Milliseconds(l.Window), (int)l.Refusal }),
        ];
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(IssueScript, keys, values))!;
        var status = (IssueStatus)(int)result[0];
        var waitMs = (long)result[1];
        // A counter without a TTL cannot happen (the script sets one), but never answer Retry-After: 0.
        var retryAfter = status == IssueStatus.Issued ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(waitMs, 1000));
        return new IssueResult(status, retryAfter);
    }

    // KEYS: code[, token]  ARGV: submitted, max attempts, expected data ('' = any), token subject, token ttl ms.
    private const string ConfirmScript = """
        local stored = redis.call('HMGET', KEYS[1], 'code', 'data')
        if not stored[1] then return {2} end
        if ARGV[3] ~= '' and stored[2] ~= ARGV[3] then return {2} end
        if stored[1] == ARGV[1] then
          redis.call('DEL', KEYS[1])
          if #KEYS > 1 then
            redis.call('HSET', KEYS[2], 'subject', ARGV[4], 'data', stored[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
          end
          return {0, stored[2]}
        end
        if redis.call('HINCRBY', KEYS[1], 'attempts', 1) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
        return {1}
        """;

    /// <summary>
    /// Checks a submitted code. A match deletes the code (single use) and, with a token key,
    /// stores the token in the same step; the <paramref name="maxAttempts"/>-th wrong try deletes it too.
    /// </summary>
    public async Task<ConfirmResult> ConfirmAsync(
        RedisKey codeKey, string submitted, int maxAttempts, string? expectedData = null,
        RedisKey? tokenKey = null, string tokenSubject = "", TimeSpan tokenLifetime = default)
    {
        RedisKey[] keys = tokenKey is { } token ? [codeKey, token] : [codeKey];
        RedisValue[] values = [submitted, maxAttempts, expectedData ?? "", tokenSubject, Milliseconds(tokenLifetime)];
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(ConfirmScript, keys, values))!;
        var status = (ConfirmStatus)(int)result[0];
        return new ConfirmResult(status, status == ConfirmStatus.Confirmed ? (string?)result[1] : null);
    }

    /// <summary>After a failed delivery: the unseen code is dropped and the resend spacing lifted (limits stay counted).</summary>
    public Task WithdrawAsync(RedisKey codeKey, RedisKey cooldownKey) => redis.KeyDeleteAsync([codeKey, cooldownKey]);

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;
}
