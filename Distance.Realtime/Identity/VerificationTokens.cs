using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

public enum ClaimStatus { Claimed, Unknown, WrongPurpose }

/// <summary>A claimed token: its phone, and what is needed to give it back if the operation fails.</summary>
public sealed record TokenClaim(ClaimStatus Status, string Phone = "", string Purpose = "", TimeSpan Remaining = default, RedisKey Key = default);

/// <summary>
/// The single-use token a confirmed SMS code yields. Redis keeps it under the SHA-256 of its
/// value (a leaked key list reveals no usable token). Sign-up and password reset claim it
/// atomically, so it is used once, and give it back if they fail, so a failure consumes nothing.
/// </summary>
public sealed class VerificationTokens(IDatabase redis)
{
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static RedisKey KeyOf(string token) =>
        "verify:token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private const string ClaimScript = """
        local fields = redis.call('HMGET', KEYS[1], 'subject', 'data')
        if not fields[1] then return {0} end
        if fields[2] ~= ARGV[1] then return {1} end
        local ttl = redis.call('PTTL', KEYS[1])
        redis.call('DEL', KEYS[1])
        return {2, fields[1], ttl}
        """;

    public async Task<TokenClaim> ClaimAsync(string token, string purpose)
    {
        var key = KeyOf(token);
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(ClaimScript, [key], [purpose]))!;
        return (int)result[0] switch
        {
            0 => new TokenClaim(ClaimStatus.Unknown),
            1 => new TokenClaim(ClaimStatus.WrongPurpose),
            _ => new TokenClaim(ClaimStatus.Claimed, (string)result[1]!, purpose, TimeSpan.FromMilliseconds((long)result[2]), key),
        };
    }

    private const string RestoreScript = """
        redis.call('HSET', KEYS[1], 'subject', ARGV[1], 'data', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    /// <summary>Gives a claimed token back with the lifetime it had left, when the operation using it failed.</summary>
    public async Task RestoreAsync(TokenClaim claim)
    {
        if (claim.Status != ClaimStatus.Claimed || claim.Remaining <= TimeSpan.Zero)
            return;
        await redis.ScriptEvaluateAsync(RestoreScript, [claim.Key], [claim.Phone, claim.Purpose, (long)claim.Remaining.TotalMilliseconds]);
    }
}
