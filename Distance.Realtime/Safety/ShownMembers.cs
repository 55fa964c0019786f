using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Safety;

/// <summary>
/// Whom GET /api/matches showed to whom within <see cref="SafetyOptions.ShownWindow"/>: a member
/// may report someone matching showed them, even before any room or request. Per caller a Redis
/// sorted set of member ids scored by when they were last shown; the key expires a window after
/// the last write, and stale entries are trimmed on each write, so the set stays as small as a
/// day's matches. Matching writes it (it sits above Safety and calls it); reports read it.
/// </summary>
public sealed partial class ShownMembers(IDatabase redis, IOptions<SafetyOptions> options, TimeProvider clock, ILogger<ShownMembers> logger)
{
    private static RedisKey Key(long callerId) => "safety:shown:" + callerId.ToString(CultureInfo.InvariantCulture);

    // KEYS: the caller's set  ARGV: now (ms), the window (ms), the shown ids. One reply per match
    // instead of three pipelined commands' three (each reply is a completion the node schedules),
    // and the add, the trim and the expiry land together.
    private const string RecordScript = """
        local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
        local entries = {}
        for i = 3, #ARGV do
          entries[#entries + 1] = now
          entries[#entries + 1] = ARGV[i]
        end
        redis.call('ZADD', KEYS[1], unpack(entries))
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        redis.call('PEXPIRE', KEYS[1], window)
        return 1
        """;

    public async Task RecordAsync(long callerId, IReadOnlyCollection<long> shownIds)
    {
        if (shownIds.Count == 0)
            return;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var window = (long)options.Value.ShownWindow.TotalMilliseconds;
        RedisValue[] values = [now, window, .. shownIds.Select(id => (RedisValue)id)];
        try
        {
            await redis.ScriptEvaluateAsync(RecordScript, [Key(callerId)], values);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The matches are still answered: without the record, only a room or request lets the caller report them.
            LogRecordFailed(exception, callerId);
        }
    }

    public async Task<bool> WasShownAsync(long callerId, long memberId)
    {
        var shownAt = await redis.SortedSetScoreAsync(Key(callerId), memberId);
        return shownAt is { } at && at >= clock.GetUtcNow().ToUnixTimeMilliseconds() - options.Value.ShownWindow.TotalMilliseconds;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the matches shown to member {CallerId}")]
    private partial void LogRecordFailed(Exception exception, long callerId);
}
