using Distance.Data.Rooms;
using Distance.Realtime.Members;

namespace Distance.Realtime.Rooms;

/// <summary>
/// The rooms side of account deletion (DELETE /api/me calls it): rooms the member was in become
/// inactive for the opponent, who then sees no opponent; rooms no one else is in are deleted with
/// their messages; pending requests go; opponents get RoomUpdated; every connection of the member
/// and of the opponents leaves those rooms' groups on every node.
/// </summary>
public sealed class RoomCleanup(RoomLeaveRepository leaving, RoomViews views, IRoomEvents events) : IMemberDeletionStep
{
    public async Task OnMemberDeletedAsync(long memberId, CancellationToken cancellationToken)
    {
        var rooms = await leaving.OnMemberDeletedAsync(memberId, cancellationToken);
        foreach (var room in rooms)
        {
            var leave = new RoomSignal(memberId, room.RoomId, Join: false, Summary: null);
            if (room.OpponentId is { } opponentId)
            {
                await events.AccessChangedAsync(room.RoomId, new RoomAccess(room.RoomId, false, [opponentId]));
                var summary = await views.FindAsync(opponentId, room.RoomId, cancellationToken);
                await events.MembershipChangedAsync(leave, new RoomSignal(opponentId, room.RoomId, false, summary));
            }
            else
            {
                await events.AccessChangedAsync(room.RoomId, null);
                await events.MembershipChangedAsync(leave);
            }
        }
    }
}
