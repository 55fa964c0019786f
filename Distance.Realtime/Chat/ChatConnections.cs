using System.Globalization;
using Distance.Realtime.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>Connect and disconnect: local bookkeeping, presence in Redis, and the joins of every active room.</summary>
public sealed partial class ChatConnections(
    LiveConnections live, Presence presence, ConnectingRooms rooms, ILogger<ChatConnections> logger)
{
    public static long MemberId(HubCallerContext context) => long.Parse(context.UserIdentifier!, CultureInfo.InvariantCulture);

    /// <summary>
    /// The connection is registered locally before the rooms are read, so a room created meanwhile
    /// reaches it either through this read or through its RoomSignal (a double join is harmless).
    /// Presence (Redis) and the rooms (MariaDB, then the group joins) do not depend on each other,
    /// so they run at once: a handshake waits for the slower, not for both in turn.
    /// </summary>
    public async Task ConnectedAsync(HubCallerContext context, IGroupManager groups)
    {
        var memberId = MemberId(context);
        live.Add(memberId, context);
        try
        {
            await Task.WhenAll(presence.ConnectedAsync(memberId, context.ConnectionId), JoinRoomsAsync(memberId, context, groups));
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync when OnConnectedAsync fails.
            await DisconnectedAsync(context);
            throw;
        }
    }

    private async Task JoinRoomsAsync(long memberId, HubCallerContext context, IGroupManager groups)
    {
        var roomIds = await rooms.ActiveRoomIdsAsync(memberId, context.ConnectionAborted);
        await Task.WhenAll(roomIds.Select(r => groups.AddToGroupAsync(context.ConnectionId, RoomGroups.Of(r), context.ConnectionAborted)));
    }

    public async Task DisconnectedAsync(HubCallerContext context)
    {
        var memberId = MemberId(context);
        live.Remove(memberId, context.ConnectionId);
        try
        {
            await presence.DisconnectedAsync(memberId, context.ConnectionId);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            // The entry expires with its TTL anyway.
            LogPresenceNotCleared(exception, memberId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not clear presence of member {MemberId}; it expires by itself")]
    private partial void LogPresenceNotCleared(Exception exception, long memberId);
}
