using System.Globalization;
using Distance.Realtime.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>
/// Which members have a live hub connection on any node, in Redis: per member a sorted set of
/// connection ids scored by the time they stop counting. Each node refreshes its own connections
/// periodically, so the connections of a node that died (kill -9, no OnDisconnected) fade out
/// after <see cref="ChatOptions.PresenceTtl"/> instead of suppressing pushes forever.
/// </summary>
public sealed partial class Presence(
    IDatabase redis, LiveConnections connections, IOptions<ChatOptions> options, TimeProvider clock, ILogger<Presence> logger)
    : BackgroundService
{
    private const int RefreshChunk = 500;

    private static RedisKey Key(long memberId) => "chat:presence:" + memberId.ToString(CultureInfo.InvariantCulture);

    public async Task ConnectedAsync(long memberId, string connectionId)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var key = Key(memberId);
        await Task.WhenAll(
            redis.SortedSetAddAsync(key, connectionId, now + options.Value.PresenceTtl.TotalMilliseconds),
            redis.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now),
            redis.KeyExpireAsync(key, options.Value.PresenceTtl));
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
