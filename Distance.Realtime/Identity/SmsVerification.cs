using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

public static class VerificationPurposes
{
    public const string SignUp = "signup";
    public const string PasswordReset = "password-reset";

    public static bool IsKnown(string? purpose) => purpose is SignUp or PasswordReset;
}

public sealed record SmsConfirmation(ConfirmStatus Status, string? Token = null);

/// <summary>
/// SMS codes for sign-up and password reset. The code, its attempt counter, the resend spacing
/// and the daily counters (per phone and per client IP) are Redis keys with TTLs; a confirmed
/// code turns into a verification token in the same atomic step.
/// </summary>
public sealed class SmsVerification(OneTimeCodes codes, IOptions<AccountsOptions> options, TimeProvider clock)
{
    private static RedisKey CodeKey(string phone) => "sms:code:" + phone;
    private static RedisKey CooldownKey(string phone) => "sms:resend:" + phone;

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public async Task<IssueResult> IssueAsync(string phone, string purpose, string code, IPAddress? client)
    {
        var o = options.Value;
        var (day, untilTomorrow) = Today(o.DayUtcOffset);
        // The window outlives the day a little, so a counter never vanishes while its day is on.
        var window = untilTomorrow + TimeSpan.FromMinutes(5);
        CodeLimit[] limits =
        [
            new($"sms:day:{day}:phone:{phone}", o.SmsDailyLimitPerPhone, window),
            new($"sms:day:{day}:ip:{ClientKey(client)}", o.SmsDailyLimitPerIp, window),
        ];
        var result = await codes.IssueAsync(CodeKey(phone), code, purpose, o.SmsCodeLifetime, CooldownKey(phone), o.SmsResendInterval, limits);
        // A daily limit lifts at midnight, not when the counter key finally expires.
        return result.Status == IssueStatus.LimitReached ? result with { RetryAfter = Ceiling(untilTomorrow) } : result;
    }

    public Task WithdrawAsync(string phone) => codes.WithdrawAsync(CodeKey(phone), CooldownKey(phone));

    public async Task<SmsConfirmation> ConfirmAsync(string phone, string code)
    {
        var o = options.Value;
        var token = VerificationTokens.NewToken();
        var result = await codes.ConfirmAsync(
            CodeKey(phone), code, o.CodeMaxAttempts, tokenKey: VerificationTokens.KeyOf(token), tokenSubject: phone,
            tokenLifetime: o.VerificationTokenLifetime);
        return result.Status == ConfirmStatus.Confirmed ? new SmsConfirmation(ConfirmStatus.Confirmed, token) : new SmsConfirmation(result.Status);
    }

    private (string Day, TimeSpan UntilTomorrow) Today(TimeSpan offset)
    {
        var local = clock.GetUtcNow().ToOffset(offset);
        var tomorrow = new DateTimeOffset(local.Date.AddDays(1), offset);
        return (local.ToString("yyyyMMdd", CultureInfo.InvariantCulture), tomorrow - local);
    }

    private static TimeSpan Ceiling(TimeSpan span) => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(span.TotalSeconds)));

    /// <summary>
    /// The client address as the connection (or the trusted-proxy middleware) reports it. An
    /// IPv4 client reached over a dual-stack socket counts as its IPv4 address.
    /// </summary>
    private static string ClientKey(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
