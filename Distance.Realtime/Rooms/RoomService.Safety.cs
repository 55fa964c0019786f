using System.Globalization;
using Distance.Realtime.Safety;

namespace Distance.Realtime.Rooms;

/// <summary>
/// What Safety's committed changes mean for rooms (it raises <see cref="SafetyEvents"/>; Rooms
/// subscribes in MapRooms), and the cap on inactive rooms a member keeps (issue #21).
/// </summary>
public sealed partial class RoomService
{
    /// <summary>Rooms a block or report closed as if the blocker had left: the other gets the system message and RoomUpdated.</summary>
    public async Task OnRoomsLeftAsync(RoomsLeft change, CancellationToken cancellationToken)
    {
        foreach (var room in change.Rooms)
            await AnnounceLeaveAsync(change.LeaverId, room.RoomId, room.Result, cancellationToken);
    }

    /// <summary>
    /// A suspended or banned member's active rooms went inactive with both members still in them:
    /// nobody can send there any more, both members' connections leave the room's group on every
    /// node, and both get RoomUpdated (the suspended member's connections are being closed anyway).
    /// </summary>
    public async Task OnRoomsSuspendedAsync(RoomsSuspended change, CancellationToken cancellationToken)
    {
        foreach (var room in change.Rooms)
        {
            await events.AccessChangedAsync(room.RoomId, new Data.Rooms.RoomAccess(room.RoomId, false, [change.MemberId, room.OpponentId]));
            await events.MembershipChangedAsync(
                new RoomSignal(change.MemberId, room.RoomId, false, await views.FindAsync(change.MemberId, room.RoomId, cancellationToken)),
                new RoomSignal(room.OpponentId, room.RoomId, false, await views.FindAsync(room.OpponentId, room.RoomId, cancellationToken)));
            await TrimInactiveAsync(room.OpponentId, cancellationToken);
        }
    }

    /// <summary>
    /// The member keeps at most KeptInactiveRooms inactive rooms: open-and-leave loops cannot fill
    /// their list. Older ones are left, which deletes a room nobody else is in.
    /// </summary>
    private async Task TrimInactiveAsync(long memberId, CancellationToken cancellationToken)
    {
        var trimmed = await leaving.TrimInactiveAsync(
            memberId, options.Value.KeptInactiveRooms, await LeftTextAsync(memberId, cancellationToken), Millis(), cancellationToken);
        foreach (var (roomId, result) in trimmed)
        {
            // A suspension left the other member in the room: they see the leave. Otherwise the room is gone.
            if (result is { Outcome: Data.Rooms.LeaveOutcome.Left, OpponentId: { } opponentId, SystemMessage: { } system })
            {
                await events.AccessChangedAsync(roomId, new Data.Rooms.RoomAccess(roomId, false, [opponentId]));
                await BestEffortAsync(() => events.MessageReceivedAsync([opponentId], ChatMessage.From(system)));
                await events.MembershipChangedAsync(new RoomSignal(opponentId, roomId, false, await views.FindAsync(opponentId, roomId, cancellationToken)));
            }
            else
            {
                await events.AccessChangedAsync(roomId, null);
            }
            await events.MembershipChangedAsync(new RoomSignal(memberId, roomId, false, null));
        }
    }

    private async Task<string> LeftTextAsync(long memberId, CancellationToken cancellationToken)
    {
        var me = await profiles.FindAsync(memberId, cancellationToken);
        return $"{me?.Nickname ?? "#" + memberId.ToString(CultureInfo.InvariantCulture)} left";
    }

    private DateTime Millis()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
