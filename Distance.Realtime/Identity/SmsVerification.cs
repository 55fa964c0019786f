using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Distance.Realtime.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

public static class VerificationPurposes
{
    public const string SignUp = "signup";
    public const string PasswordReset = "password-reset";

    public static bool IsKnown(string? purpose) => purpose is SignUp or PasswordReset;
}

/// <summary>What a code request does besides counting against the limits.</summary>
public enum SmsIntent
{
    /// <summary>Store the code and send it: counts against the cluster's SMS budget.</summary>
    Send,

    /// <summary>Store the code but send nothing (a reset for an unknown phone: confirming it must look the same).</summary>
    StoreOnly,

    /// <summary>Store nothing (sign-up for a registered phone: the 409 costs what a sent code costs).</summary>
    CountOnly,
}

public sealed record SmsConfirmation(ConfirmStatus Status, string? Token = null, TimeSpan RetryAfter = default);

/// <summary>
/// SMS codes for sign-up and password reset. The code, its attempt counter, the resend spacing,
/// the daily counters (per phone and per client address), the cluster's hourly SMS budget and the
/// failed-confirmation counters are Redis keys with TTLs; a confirmed code turns into a
/// verification token in the same atomic step.
/// </summary>
public sealed class SmsVerification(OneTimeCodes codes, IDatabase redis, IOptions<AccountsOptions> options, TimeProvider clock)
{
    private static RedisKey CodeKey(string phone) => "sms:code:" + phone;
    private static RedisKey CooldownKey(string phone) => "sms:resend:" + phone;
    private static RedisKey FailuresKey(string client) => "sms:confirm-fail:ip:" + client;
    private static readonly RedisKey ClusterResetFailuresKey = "sms:confirm-fail:reset";

    /// <summary>Sign-up codes are 6 digits (the contract); reset codes, which take over an account, 8.</summary>
    public static string NewCode(string purpose) => purpose == VerificationPurposes.PasswordReset
        ? RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture)
        : RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public async Task<IssueResult> IssueAsync(string phone, string purpose, string code, IPAddress? client, SmsIntent intent)
    {
        var o = options.Value;
        var (day, untilTomorrow) = Today(o.DayUtcOffset);
        // The window outlives the day a little, so a counter never vanishes while its day is on.
        var window = untilTomorrow + TimeSpan.FromMinutes(5);
        List<CodeLimit> limits =
        [
            new($"sms:day:{day}:phone:{phone}", o.SmsDailyLimitPerPhone, window),
            new($"sms:day:{day}:ip:{ClientAddresses.Of(client)}", o.SmsDailyLimitPerIp, window),
        ];
        var (budgetKey, untilNextHour) = BudgetKey();
        if (intent == SmsIntent.Send)
            limits.Add(new(budgetKey, o.SmsHourlyBudget, untilNextHour + TimeSpan.FromMinutes(5), IssueStatus.BudgetExhausted));
        var lifetime = intent == SmsIntent.CountOnly ? TimeSpan.Zero : o.SmsCodeLifetime;
        var result = await codes.IssueAsync(CodeKey(phone), code, purpose, lifetime, CooldownKey(phone), o.SmsResendInterval, limits);
        // A daily limit lifts at midnight and the budget at the hour, not when the counter key finally expires.
        return result.Status switch
        {
            IssueStatus.LimitReached => result with { RetryAfter = Ceiling(untilTomorrow) },
            IssueStatus.BudgetExhausted => result with { RetryAfter = Ceiling(untilNextHour) },
            _ => result,
        };
    }

    public Task WithdrawAsync(string phone) => codes.WithdrawAsync(CodeKey(phone), CooldownKey(phone));

    /// <summary>SMS sent by the whole cluster in the current hour (for the budget gauge).</summary>
    public async Task<long> BudgetUsedAsync() => (long?)await redis.StringGetAsync(BudgetKey().Key) ?? 0;

    // KEYS: code, token, address failures, cluster reset failures.
    // ARGV: submitted, max attempts, token subject, token ttl ms, address max, cluster max, window ms, guarded purpose.
    // Returns {status[, data or wait ms]}: 0 confirmed, 1 mismatch, 2 expired, 3 locked.
    private const string ConfirmScript = """
        local used = tonumber(redis.call('GET', KEYS[3]) or '0')
        if used >= tonumber(ARGV[5]) then return {3, redis.call('PTTL', KEYS[3])} end
        local stored = redis.call('HMGET', KEYS[1], 'code', 'data')
        if not stored[1] then return {2, ''} end
        local guarded = stored[2] == ARGV[8]
        if guarded and tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[6]) then
          return {3, redis.call('PTTL', KEYS[4])}
        end
        if stored[1] == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[2], 'subject', ARGV[3], 'data', stored[2])
          redis.call('PEXPIRE', KEYS[2], ARGV[4])
          return {0, stored[2]}
        end
        if redis.call('HINCRBY', KEYS[1], 'attempts', 1) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
        if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
        if guarded and redis.call('INCR', KEYS[4]) == 1 then redis.call('PEXPIRE', KEYS[4], ARGV[7]) end
        return {1, stored[2]}
        """;

    /// <summary>
    /// Checks a code. Wrong codes count per client address and, for password resets (an account
    /// takeover if guessed), across the cluster; either count at its limit locks confirmations
    /// out until its window ends. Returns the purpose of the code in <c>Purpose</c> on a mismatch.
    /// </summary>
    public async Task<(SmsConfirmation Confirmation, string? Purpose)> ConfirmAsync(string phone, string code, IPAddress? client)
    {
        var o = options.Value;
        var token = VerificationTokens.NewToken();
        RedisKey[] keys = [CodeKey(phone), VerificationTokens.KeyOf(token), FailuresKey(ClientAddresses.Of(client)), ClusterResetFailuresKey];
        RedisValue[] values =
        [
            code, o.CodeMaxAttempts, phone, (long)o.VerificationTokenLifetime.TotalMilliseconds,
            o.ConfirmFailuresPerAddress, o.ResetConfirmFailuresCluster, (long)o.ConfirmFailureWindow.TotalMilliseconds,
            VerificationPurposes.PasswordReset,
        ];
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(ConfirmScript, keys, values))!;
        return (int)result[0] switch
        {
            0 => (new SmsConfirmation(ConfirmStatus.Confirmed, token), (string?)result[1]),
            1 => (new SmsConfirmation(ConfirmStatus.Mismatch), (string?)result[1]),
            3 => (new SmsConfirmation(ConfirmStatus.Locked, RetryAfter: TimeSpan.FromMilliseconds(Math.Max(1000, (long)result[1]))), null),
            _ => (new SmsConfirmation(ConfirmStatus.Expired), null),
        };
    }

    private (string Day, TimeSpan UntilTomorrow) Today(TimeSpan offset)
    {
        var local = clock.GetUtcNow().ToOffset(offset);
        var tomorrow = new DateTimeOffset(local.Date.AddDays(1), offset);
        return (local.ToString("yyyyMMdd", CultureInfo.InvariantCulture), tomorrow - local);
    }

    private (RedisKey Key, TimeSpan UntilNextHour) BudgetKey()
    {
        var now = clock.GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        return ("sms:budget:" + hour.ToString("yyyyMMddHH", CultureInfo.InvariantCulture), hour.AddHours(1) - now);
    }

    private static TimeSpan Ceiling(TimeSpan span) => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(span.TotalSeconds)));
}
