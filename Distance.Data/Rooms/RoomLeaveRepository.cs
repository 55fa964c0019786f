using System.Data;
using Dapper;
using Distance.Data.Messages;
using MySqlConnector;

namespace Distance.Data.Rooms;

public enum LeaveOutcome { NotMember, Left, Deleted }

/// <summary>What a leave did; <see cref="SystemMessage"/> is the "… left" message of a first leaver.</summary>
public sealed record LeaveResult(LeaveOutcome Outcome, long? OpponentId = null, MessageRow? SystemMessage = null);

/// <summary>A room touched by a member's deletion: deleted, or left inactive for <see cref="OpponentId"/>.</summary>
public sealed record DeletedMemberRoom(long RoomId, bool RoomDeleted, long? OpponentId);

/// <summary>
/// Leaving and member deletion. The room row is locked first, as the message writer does, so a
/// leave and a batch of messages for the same room serialise and seq stays gap-free.
/// </summary>
public sealed class RoomLeaveRepository(MySqlDataSource dataSource)
{
    private const string LockRoomsSql = "SELECT id AS Id, last_seq AS LastSeq FROM rooms WHERE id IN @roomIds ORDER BY id FOR UPDATE";
    private const string RoomMembersSql = "SELECT room_id AS RoomId, member_id AS MemberId, left_at AS LeftAt FROM room_members WHERE room_id IN @roomIds";
    private const string MemberRoomsSql = "SELECT room_id FROM room_members WHERE member_id = @memberId ORDER BY room_id";

    private const string LeaveSql = """
        UPDATE rooms SET status = 'inactive', last_seq = @seq, last_activity_at = @sentAt WHERE id = @roomId;
        UPDATE room_members SET left_at = @sentAt WHERE room_id = @roomId AND member_id = @memberId;
        INSERT INTO messages (room_id, seq, sender_id, kind, text, sent_at, client_message_id)
        VALUES (@roomId, @seq, NULL, 'system', @text, @sentAt, NULL);
        """;

    private const string DeleteRoomSql = """
        DELETE FROM messages WHERE room_id = @roomId;
        DELETE FROM room_members WHERE room_id = @roomId;
        DELETE FROM rooms WHERE id = @roomId;
        """;

    private const string DetachMemberSql = """
        UPDATE rooms SET status = 'inactive' WHERE id = @roomId;
        DELETE FROM room_members WHERE room_id = @roomId AND member_id = @memberId;
        """;

    private const string DeleteRequestsSql = "DELETE FROM room_requests WHERE from_member_id = @memberId OR to_member_id = @memberId";

    /// <summary>
    /// The first leaver makes the room inactive and posts <paramref name="systemText"/>; when no
    /// one else is left in the room (the opponent left or was deleted), the room and its messages go.
    /// </summary>
    public async Task<LeaveResult> LeaveAsync(long roomId, long memberId, string systemText, DateTime sentAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var result = await LeaveAsync(connection, transaction, roomId, memberId, systemText, sentAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>A leave inside the caller's transaction (a block closes shared rooms this way, see Safety/PairSeparation).</summary>
    internal static async Task<LeaveResult> LeaveAsync(
        MySqlConnection connection, MySqlTransaction transaction, long roomId, long memberId, string systemText, DateTime sentAt, CancellationToken cancellationToken)
    {
        var (rooms, members) = await LockAsync(connection, transaction, [roomId], cancellationToken);
        if (rooms.Count == 0 || !members.Any(m => m.MemberId == memberId && m.LeftAt is null))
            return new LeaveResult(LeaveOutcome.NotMember);

        var opponent = members.FirstOrDefault(m => m.MemberId != memberId && m.LeftAt is null);
        if (opponent is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteRoomSql, new { roomId }, transaction, cancellationToken: cancellationToken));
            return new LeaveResult(LeaveOutcome.Deleted);
        }
        var seq = rooms[0].LastSeq + 1;
        await connection.ExecuteAsync(new CommandDefinition(
            LeaveSql, new { roomId, memberId, seq, sentAt, text = systemText }, transaction, cancellationToken: cancellationToken));
        return new LeaveResult(LeaveOutcome.Left, opponent.MemberId,
            new MessageRow(roomId, seq, null, MessageRow.SystemKind, systemText, sentAt, null));
    }

    // The member's inactive rooms beyond the newest @keep (by last activity): the oldest go first.
    private const string InactiveBeyondSql = """
        SELECT r.id
        FROM room_members rm JOIN rooms r ON r.id = rm.room_id
        WHERE rm.member_id = @memberId AND rm.left_at IS NULL AND r.status = 'inactive'
        ORDER BY r.last_activity_at DESC, r.id DESC
        LIMIT 18446744073709551615 OFFSET @keep
        """;

    /// <summary>
    /// Keeps at most <paramref name="keep"/> inactive rooms in the member's list (issue #21: open
    /// and leave loops cannot fill a victim's list). The member leaves each older one, which
    /// deletes it when no one else is in it, as a leave always does.
    /// </summary>
    public async Task<IReadOnlyList<(long RoomId, LeaveResult Result)>> TrimInactiveAsync(
        long memberId, int keep, string systemText, DateTime sentAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var roomIds = (await connection.QueryAsync<long>(new CommandDefinition(
            InactiveBeyondSql, new { memberId, keep }, cancellationToken: cancellationToken))).AsList();
        var results = new List<(long, LeaveResult)>(roomIds.Count);
        foreach (var roomId in roomIds)
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            var result = await LeaveAsync(connection, transaction, roomId, memberId, systemText, sentAt, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (result.Outcome != LeaveOutcome.NotMember)
                results.Add((roomId, result));
        }
        return results;
    }

    /// <summary>
    /// Account deletion: each room the member is still in becomes inactive for the opponent (who
    /// then sees no opponent) or is deleted when no one else is in it; rows of rooms the member had
    /// left go too, so those opponents see the deletion as well. Pending requests either way go.
    /// </summary>
    public async Task<IReadOnlyList<DeletedMemberRoom>> OnMemberDeletedAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var roomIds = (await connection.QueryAsync<long>(new CommandDefinition(MemberRoomsSql, new { memberId }, transaction, cancellationToken: cancellationToken))).ToArray();
        var results = new List<DeletedMemberRoom>();
        if (roomIds.Length > 0)
        {
            var (rooms, members) = await LockAsync(connection, transaction, roomIds, cancellationToken);
            foreach (var room in rooms)
            {
                var opponent = members.FirstOrDefault(m => m.RoomId == room.Id && m.MemberId != memberId && m.LeftAt is null);
                var roomId = room.Id;
                if (opponent is null)
                    await connection.ExecuteAsync(new CommandDefinition(DeleteRoomSql, new { roomId }, transaction, cancellationToken: cancellationToken));
                else
                    await connection.ExecuteAsync(new CommandDefinition(DetachMemberSql, new { roomId, memberId }, transaction, cancellationToken: cancellationToken));
                results.Add(new DeletedMemberRoom(roomId, opponent is null, opponent?.MemberId));
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(DeleteRequestsSql, new { memberId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private static async Task<(List<RoomLock> Rooms, List<MemberRow> Members)> LockAsync(
        MySqlConnection connection, MySqlTransaction transaction, long[] roomIds, CancellationToken cancellationToken)
    {
        var rooms = (await connection.QueryAsync<RoomLock>(new CommandDefinition(LockRoomsSql, new { roomIds }, transaction, cancellationToken: cancellationToken))).ToList();
        var members = (await connection.QueryAsync<MemberRow>(new CommandDefinition(RoomMembersSql, new { roomIds }, transaction, cancellationToken: cancellationToken))).ToList();
        return (rooms, members);
    }

    private sealed record RoomLock(long Id, long LastSeq);

    private sealed record MemberRow(long RoomId, long MemberId, DateTime? LeftAt);
}
