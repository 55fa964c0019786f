using System.Globalization;
using Distance.Data.Rooms;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>
/// Who may use a room, cached in Redis so the send path checks membership and status without a
/// MariaDB round trip, and every node sees a change at once. Writers of room state overwrite the
/// entry after their commit; readers fill a missing entry only if it is still missing (SET NX), so
/// a reader that loaded old state before a change cannot overwrite the newer entry. The message
/// writer re-checks under the room row lock anyway: this is a fast filter, MariaDB is the arbiter.
/// </summary>
public sealed partial class RoomDirectory(IDatabase redis, RoomRepository rooms, IOptions<ChatOptions> options, ILogger<RoomDirectory> logger)
{
    private const string Missing = "x";
    private static readonly TimeSpan MissingTtl = TimeSpan.FromMinutes(1);

    private static RedisKey Key(long roomId) => "chat:room:" + roomId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The room's access rule, or null when there is no such room.</summary>
    public async Task<RoomAccess?> FindAsync(long roomId, CancellationToken cancellationToken)
    {
        var cached = await redis.StringGetAsync(Key(roomId));
        if (cached.HasValue)
            return Parse(roomId, cached.ToString());

        var access = await rooms.FindAccessAsync(roomId, cancellationToken);
        await redis.StringSetAsync(Key(roomId), Format(access), Ttl(access), When.NotExists);
        return access;
    }

    /// <summary>
    /// Records the room's state right after a committed change; null for a deleted room. A failure
    /// is logged, not thrown: the change is committed, and until the entry expires the message
    /// writer's check under the room lock still refuses what the stale entry would let through.
    /// </summary>
    public async Task PublishAsync(long roomId, RoomAccess? access)
    {
        try
        {
            await redis.StringSetAsync(Key(roomId), Format(access), Ttl(access));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogPublishFailed(exception, roomId);
        }
    }

    /// <summary>Drops the cached entry (the warm-up's rooms that cannot exist); the next lookup reloads it.</summary>
    public Task ForgetAsync(long roomId) => redis.KeyDeleteAsync(Key(roomId));

    private TimeSpan Ttl(RoomAccess? access) => access is null ? MissingTtl : options.Value.RoomCacheTtl;

    // "a:12,34" = active with members 12 and 34; "i:34" = inactive, only 34 still in it; "x" = no room.
    private static string Format(RoomAccess? access) => access is null
        ? Missing
        : (access.Active ? "a:" : "i:") + string.Join(',', access.Members.Select(m => m.ToString(CultureInfo.InvariantCulture)));

    private static RoomAccess? Parse(long roomId, string value)
    {
        if (value.Length < 2 || value == Missing)
            return null;
        var members = value[2..].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(m => long.Parse(m, CultureInfo.InvariantCulture)).ToList();
        return new RoomAccess(roomId, value[0] == 'a', members);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the new state of room {RoomId} in Redis")]
    private partial void LogPublishFailed(Exception exception, long roomId);
}
