using System.Security.Claims;
using System.Threading.RateLimiting;
using Distance.Realtime.Claims;
using Distance.Realtime.Identity;
using Distance.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Turns a request (or a hub call) into a partition of a Redis-backed bucket: by member id when
/// signed in, by client IP otherwise. Keys carry the deployment's <see cref="RedisOptions.KeyPrefix"/>
/// themselves, because the rate-limit library talks to the multiplexer, not to the prefixed database.
/// </summary>
public sealed class RateLimitPartitions(
    IConnectionMultiplexer redis, RedisLimiterGuard guard, IOptions<RateLimitingOptions> options, IOptions<RedisOptions> redisOptions,
    NegotiatedConnections negotiated, TimeProvider clock)
{
    public RateLimitingOptions Options => options.Value;

    /// <summary>The global limit every request passes: per member (signed in) or per client IP.</summary>
    public RateLimitPartition<string> Global(HttpContext context)
    {
        if (!options.Value.Enabled || IsExempt(context.Request))
            return RateLimitPartition.GetNoLimiter("exempt");
        var member = MemberOf(context.User);
        return member is null
            ? Bucket(RateLimitPolicies.Global, "ip:" + ClientAddresses.Of(context), options.Value.Anonymous)
            : Bucket(RateLimitPolicies.Global, "m:" + member, options.Value.Member);
    }

    /// <summary>A named policy's bucket: per member when signed in, per client IP otherwise.</summary>
    public RateLimitPartition<string> Policy(string policy, HttpContext context)
    {
        if (!options.Value.Enabled)
            return RateLimitPartition.GetNoLimiter("disabled");
        var member = MemberOf(context.User);
        var key = member is null ? "ip:" + ClientAddresses.Of(context) : "m:" + member;
        return Bucket(policy, key, options.Value.For(policy));
    }

    /// <summary>A hub method's bucket for one member, shared by all of the member's connections on all nodes.</summary>
    public RateLimitPartition<string> HubMethod(string method, string memberId) =>
        Bucket(RateLimitPolicies.ForHubMethod(method), "m:" + memberId, options.Value.Hub.For(method));

    /// <summary>The partition key names policy and client, so one partitioned limiter may hold several policies (the hub's does).</summary>
    private RateLimitPartition<string> Bucket(string policy, string client, TokenBucketLimit limit) =>
        RateLimitPartition.Get($"{policy}:{client}", key => new ResilientTokenBucket(
            $"{redisOptions.Value.KeyPrefix}rl:{key}", policy, limit, redis, guard, clock));

    /// <summary>
    /// Probes and scrapes must never be refused. The transport requests of a connection this node
    /// negotiated (they carry its <c>?id=</c>: the WebSocket, SSE, long polls and sends) are limited
    /// per hub method by <see cref="HubRateLimitFilter"/> instead; a long-polling client makes one
    /// request per poll, which says nothing about abuse. Every new connection attempt counts: the
    /// negotiate request (whatever query it carries), a WebSocket that skips negotiation, and any
    /// request whose id this node never issued.
    /// </summary>
    private bool IsExempt(HttpRequest request) =>
        request.Path.StartsWithSegments("/health")
        || request.Path.StartsWithSegments("/metrics")
        || (request.Path.StartsWithSegments("/hubs")
            && !request.Path.Value!.EndsWith("/negotiate", StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue("id", out var id)
            && negotiated.Knows(id.ToString()));

    private static string? MemberOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(MemberClaims.MemberIdClaim) : null;
}
