using System.Globalization;
using Distance.Realtime.Connections;
using Distance.Realtime.Push;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>
/// Which members have a live hub connection on any node, in Redis: per member a sorted set of
/// connection ids scored by the time they stop counting. Each node refreshes its own connections
/// periodically, so the connections of a node that died (kill -9, no OnDisconnected) fade out
/// after <see cref="ChatOptions.PresenceTtl"/> instead of suppressing pushes forever. Push asks it (as <see cref="IOnlineMembers"/>) before relaying a push.
/// </summary>
public sealed partial class Presence(
    IDatabase redis, LiveConnections connections, IOptions<ChatOptions> options, TimeProvider clock, ILogger<Presence> logger)
    : BackgroundService, IOnlineMembers
{
    private const int RefreshChunk = 500;

    private static RedisKey Key(long memberId) => "chat:presence:" + memberId.ToString(CultureInfo.InvariantCulture);

    // KEYS: the member's set  ARGV: connection id, its expiry (ms), now (ms), ttl (ms). One round trip
    // per connect instead of three: a storm of reconnects is mostly these.
    private const string ConnectScript = """
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    public async Task ConnectedAsync(long memberId, string connectionId)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = (long)options.Value.PresenceTtl.TotalMilliseconds;
        await redis.ScriptEvaluateAsync(ConnectScript, [Key(memberId)], [connectionId, now + ttl, now, ttl]);
    }

    public Task DisconnectedAsync(long memberId, string connectionId) =>
        redis.SortedSetRemoveAsync(Key(memberId), connectionId);

    /// <summary>The members among <paramref name="memberIds"/> with at least one live connection somewhere.</summary>
    public async Task<HashSet<long>> OnlineAsync(IReadOnlyList<long> memberIds)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var counts = await Task.WhenAll(memberIds.Select(m => redis.SortedSetLengthAsync(Key(m), now, double.PositiveInfinity)));
        return memberIds.Where((_, i) => counts[i] > 0).ToHashSet();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PresenceRefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync();
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogRefreshFailed(exception);
            }
        }
    }

    private async Task RefreshAsync()
    {
        var expires = clock.GetUtcNow().ToUnixTimeMilliseconds() + options.Value.PresenceTtl.TotalMilliseconds;
        foreach (var chunk in connections.Snapshot().Chunk(RefreshChunk))
        {
            var writes = chunk.SelectMany(c => new Task[]
            {
                redis.SortedSetAddAsync(Key(c.MemberId), c.ConnectionId, expires),
                redis.KeyExpireAsync(Key(c.MemberId), options.Value.PresenceTtl),
            });
            await Task.WhenAll(writes);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh presence in Redis; pushes may go to members who are online")]
    private partial void LogRefreshFailed(Exception exception);
}
