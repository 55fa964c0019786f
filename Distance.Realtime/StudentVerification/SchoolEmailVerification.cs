using System.Globalization;
using System.Security.Cryptography;
using Distance.Realtime.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.StudentVerification;

/// <summary>
/// School e-mail codes: 6 characters of [0-9A-Z], stored in Redis per member AND address: another
/// student of the same school asking for the same address gets a code of their own and cannot void
/// the first one's. The confirm route names no address, so a per-member pointer says which one is pending.
/// </summary>
public sealed class SchoolEmailVerification(OneTimeCodes codes, IDatabase redis, IOptions<StudentVerificationOptions> options)
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static RedisKey CodeKey(long memberId, string address) => $"school-email:code:{Id(memberId)}:{address}";
    private static RedisKey CooldownKey(long memberId, string address) => $"school-email:resend:{Id(memberId)}:{address}";
    private static RedisKey PendingKey(long memberId) => "school-email:pending:" + Id(memberId);
    private static RedisKey DailyKey(long memberId) => "school-email:day:" + Id(memberId);

    public static string NewCode() => RandomNumberGenerator.GetString(Alphabet, 6);

    public async Task<IssueResult> IssueAsync(long memberId, string address, string code)
    {
        var o = options.Value;
        // A rolling day from the member's first code: this limit only guards against mail flooding.
        CodeLimit[] limits = [new(DailyKey(memberId), o.DailyLimitPerMember, TimeSpan.FromDays(1))];
        var result = await codes.IssueAsync(CodeKey(memberId, address), code, Id(memberId), o.CodeLifetime, CooldownKey(memberId, address), o.ResendInterval, limits);
        if (result.Status == IssueStatus.Issued)
            await redis.StringSetAsync(PendingKey(memberId), address, o.CodeLifetime);
        return result;
    }

    public async Task WithdrawAsync(long memberId, string address)
    {
        await codes.WithdrawAsync(CodeKey(memberId, address), CooldownKey(memberId, address));
        await redis.KeyDeleteAsync(PendingKey(memberId));
    }

    /// <summary>Checks the member's pending code; on a match also says which address it verified.</summary>
    public async Task<(ConfirmStatus Status, string? Address)> ConfirmAsync(long memberId, string code)
    {
        var address = await redis.StringGetAsync(PendingKey(memberId));
        if (address.IsNull)
            return (ConfirmStatus.Expired, null);
        var result = await codes.ConfirmAsync(CodeKey(memberId, address.ToString()), code, options.Value.CodeMaxAttempts, expectedData: Id(memberId));
        return (result.Status, result.Status == ConfirmStatus.Confirmed ? address.ToString() : null);
    }

    public Task ForgetAsync(long memberId) => redis.KeyDeleteAsync(PendingKey(memberId));

    private static string Id(long memberId) => memberId.ToString(CultureInfo.InvariantCulture);
}
