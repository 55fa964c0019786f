using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Every limit of the node, bound from <c>RateLimiting</c>. The numbers are token buckets shared
/// by all nodes through Redis: a bucket holds <see cref="TokenBucketLimit.TokenLimit"/> tokens
/// (the burst) and regains <see cref="TokenBucketLimit.TokensPerPeriod"/> every
/// <see cref="TokenBucketLimit.ReplenishmentPeriod"/> (the sustained rate). docs/rate-limiting.md
/// explains each one and why its default is what it is.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>The kill switch: false lets every request and hub call through (still observed by metrics).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every HTTP request of a signed-in member, keyed by member id.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Member { get; set; } = new(120, 20, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Every anonymous HTTP request, keyed by client IP. Generous because a campus Wi-Fi or a
    /// carrier's NAT puts many students behind one address: the burst holds a crowd of 300
    /// signing up at once (3 requests each), the rate 6,000 requests per 10 minutes.
    /// </summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Anonymous { get; set; } = new(1000, 10, TimeSpan.FromSeconds(1));

    /// <summary>Policy <see cref="RateLimitPolicies.Auth"/>: login, refresh, logout, password reset; by client IP.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Auth { get; set; } = new(20, 1, TimeSpan.FromSeconds(3));

    /// <summary>
    /// Policy <see cref="RateLimitPolicies.Verification"/>: SMS / e-mail codes and sign-up; by client
    /// IP (member when signed in). Sized for a festival crowd behind one address (contract v2: 300
    /// phones complete sign-up within 10 minutes, 900 requests): a burst of 1,000, then 2 per
    /// second. What this no longer bounds is bounded elsewhere: SMS cost by the hourly budget,
    /// code guessing by the failed-confirmation lock-out, hashing by the token check before it.
    /// </summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Verification { get; set; } = new(1000, 2, TimeSpan.FromSeconds(1));

    /// <summary>Policy <see cref="RateLimitPolicies.Matching"/>: the nearby-members query, the most expensive read; by member.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Matching { get; set; } = new(10, 1, TimeSpan.FromSeconds(2));

    /// <summary>Policy <see cref="RateLimitPolicies.Social"/>: actions that reach another member (rooms, requests, reports, phone consent); by member.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Social { get; set; } = new(20, 1, TimeSpan.FromSeconds(3));

    [Required, ValidateObjectMembers]
    public HubLimits Hub { get; set; } = new();

    /// <summary>After a failed Redis call, how long this node decides with its local fallback before trying Redis again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RedisRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TokenBucketLimit For(string policy) => policy switch
    {
        RateLimitPolicies.Auth => Auth,
        RateLimitPolicies.Verification => Verification,
        RateLimitPolicies.Matching => Matching,
        RateLimitPolicies.Social => Social,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown rate-limit policy."),
    };
}

/// <summary>Per-member limits of hub methods, which HTTP middleware never sees.</summary>
public sealed class HubLimits
{
    /// <summary>Burst of 20, then 5 messages per second.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit SendMessage { get; set; } = new(20, 1, TimeSpan.FromMilliseconds(200));

    [Required, ValidateObjectMembers]
    public TokenBucketLimit MarkRead { get; set; } = new(30, 2, TimeSpan.FromMilliseconds(200));

    /// <summary>A client syncs each of its (at most a handful of) rooms after every (re)connect.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit SyncRoom { get; set; } = new(30, 1, TimeSpan.FromMilliseconds(500));

    /// <summary>Any other hub method.</summary>
    [Required, ValidateObjectMembers]
    public TokenBucketLimit Default { get; set; } = new(20, 1, TimeSpan.FromMilliseconds(200));

    /// <summary>A connection refused this many times within <see cref="FloodWindow"/> is closed.</summary>
    [Range(1, 100_000)]
    public int FloodRejections { get; set; } = 50;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FloodWindow { get; set; } = TimeSpan.FromSeconds(10);

    public TokenBucketLimit For(string method) => method switch
    {
        nameof(SendMessage) => SendMessage,
        nameof(MarkRead) => MarkRead,
        nameof(SyncRoom) => SyncRoom,
        _ => Default,
    };
}

/// <summary>One token bucket: a burst of <see cref="TokenLimit"/>, refilled by <see cref="TokensPerPeriod"/> every <see cref="ReplenishmentPeriod"/>.</summary>
public sealed class TokenBucketLimit
{
    public TokenBucketLimit()
    {
    }

    public TokenBucketLimit(int tokenLimit, int tokensPerPeriod, TimeSpan replenishmentPeriod)
    {
        TokenLimit = tokenLimit;
        TokensPerPeriod = tokensPerPeriod;
        ReplenishmentPeriod = replenishmentPeriod;
    }

    [Range(1, 10_000_000)]
    public int TokenLimit { get; set; } = 1;

    [Range(1, 10_000_000)]
    public int TokensPerPeriod { get; set; } = 1;

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What a rejected caller should wait at least: the time one period takes to add tokens back.</summary>
    public TimeSpan MinimumRetryAfter => ReplenishmentPeriod;
}
