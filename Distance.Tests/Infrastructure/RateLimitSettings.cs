using System.Globalization;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// Rate-limit settings for test nodes. Every fixture starts with <see cref="Generous"/> limits, so
/// tests of other features are never refused by accident; the rate-limiting tests set tight ones.
/// </summary>
public static class RateLimitSettings
{
    /// <summary>Every bucket of the node (HTTP global, policies, hub methods), by its configuration section.</summary>
    public static readonly IReadOnlyList<string> Buckets =
    [
        "RateLimiting:Member", "RateLimiting:Anonymous",
        "RateLimiting:Auth", "RateLimiting:Verification", "RateLimiting:Matching", "RateLimiting:Social",
        "RateLimiting:Hub:SendMessage", "RateLimiting:Hub:MarkRead", "RateLimiting:Hub:SyncRoom", "RateLimiting:Hub:Default",
    ];

    public static IEnumerable<KeyValuePair<string, string?>> Generous =>
        Buckets.SelectMany(bucket => Bucket(bucket, 1_000_000, 1_000_000, TimeSpan.FromSeconds(1)));

    /// <summary>One bucket's three settings.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Bucket(string section, int tokenLimit, int tokensPerPeriod, TimeSpan period) =>
    [
        new($"{section}:TokenLimit", tokenLimit.ToString(CultureInfo.InvariantCulture)),
        new($"{section}:TokensPerPeriod", tokensPerPeriod.ToString(CultureInfo.InvariantCulture)),
        new($"{section}:ReplenishmentPeriod", period.ToString("c", CultureInfo.InvariantCulture)),
    ];
}
