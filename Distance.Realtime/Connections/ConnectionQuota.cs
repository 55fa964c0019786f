using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Connections;

/// <summary>
/// At most <see cref="RealtimeOptions.MaxConnectionsPerMember"/> live hub connections per member
/// across all nodes, kept in Redis (a sorted set of connection ids by connect time). Over the cap
/// the OLDEST is closed, not the new one refused: a phone that lost its network leaves sockets the
/// server has not yet noticed are dead, and refusing would lock the person out of their own chat
/// until those time out; the newest connection is the one a person is using. A flooder gains
/// nothing either way: every new connection closes one of its own.
/// </summary>
public sealed partial class ConnectionQuota(
    IDatabase redis, MemberDisconnects disconnects, IOptions<RealtimeOptions> options, TimeProvider clock, ILogger<ConnectionQuota> logger)
    : IHubFilter
{
    private static RedisKey Key(string memberId) => "hub:connections:" + memberId;

    // KEYS: the member's set  ARGV: connection id, now ms, cap, ttl ms. Returns the evicted ids, oldest first.
    private const string AdmitScript = """
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
        if over <= 0 then return {} end
        local evicted = redis.call('ZRANGE', KEYS[1], 0, over - 1)
        redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
        return evicted
        """;

    /// <summary>After the hub's own OnConnected (the connection is registered locally, so a close request finds it).</summary>
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        var member = context.Context.UserIdentifier;
        if (member is null)
            return;
        var o = options.Value;
        var evicted = (RedisResult[])(await redis.ScriptEvaluateAsync(AdmitScript, [Key(member)],
            [context.Context.ConnectionId, clock.GetUtcNow().ToUnixTimeMilliseconds(), o.MaxConnectionsPerMember,
             (long)TimeSpan.FromDays(1).TotalMilliseconds]))!;
        if (evicted.Length == 0)
            return;
        var memberId = long.Parse(member, CultureInfo.InvariantCulture);
        LogEvicted(evicted.Length, memberId);
        await Task.WhenAll(evicted.Select(id => disconnects.DisconnectConnectionEverywhereAsync(memberId, (string)id!)));
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            if (context.Context.UserIdentifier is { } member)
                await redis.SortedSetRemoveAsync(Key(member), context.Context.ConnectionId);
        }
        catch (Exception failure) when (failure is RedisException or TimeoutException)
        {
            // A stale entry costs nothing lasting: it is the oldest, so the next connection over the cap evicts it.
            LogNotRemoved(failure);
        }
        await next(context, exception);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} went over the connection cap: closing {Count} oldest connections")]
    private partial void LogEvicted(int count, long memberId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not remove a closed connection from the member's set in Redis")]
    private partial void LogNotRemoved(Exception exception);
}
