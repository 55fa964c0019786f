using Dapper;
using Distance.Data.Rooms;
using MySqlConnector;

namespace Distance.Data.Safety;

/// <summary>A room a block closed: <see cref="LeaveResult"/> says whether it went inactive for the other or was deleted.</summary>
public sealed record ClosedRoom(long RoomId, LeaveResult Result);

/// <summary>
/// What a block does to a pair, inside the transaction of the block or of the report that implies
/// it: the block row, the pair's pending requests deleted, and every room the blocker is still in
/// with the other closed as if the blocker had left (the usual system message for the other; a
/// room the other had left already is deleted). The caller has locked both members' rows, so a
/// room or request created concurrently is either seen here or refused by the meeting rules.
/// </summary>
internal static class PairSeparation
{
    internal const string LockMembersSql = "SELECT id FROM members WHERE id IN @ids ORDER BY id FOR UPDATE";

    private const string InsertBlockSql = """
        INSERT IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (@blocker, @blocked, @now)
        """;

    private const string DeleteRequestsSql = """
        DELETE FROM room_requests
        WHERE (from_member_id = @blocker AND to_member_id = @blocked) OR (from_member_id = @blocked AND to_member_id = @blocker)
        """;

    private const string BlockerRoomsSql = """
        SELECT r.id
        FROM rooms r JOIN room_members me ON me.room_id = r.id AND me.member_id = @blocker AND me.left_at IS NULL
        WHERE r.member_low = @low AND r.member_high = @high
        ORDER BY r.id
        """;

    /// <summary>The ids of <paramref name="ids"/> that exist, their rows locked in id order.</summary>
    public static async Task<HashSet<long>> LockMembersAsync(
        MySqlConnection connection, MySqlTransaction transaction, long a, long b, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<long>(new CommandDefinition(
            LockMembersSql, new { ids = new[] { a, b } }, transaction, cancellationToken: cancellationToken))).ToHashSet();

    public static async Task<IReadOnlyList<ClosedRoom>> BlockAsync(
        MySqlConnection connection, MySqlTransaction transaction, long blocker, long blocked, string blockerLeftText, DateTime now,
        CancellationToken cancellationToken)
    {
        var pair = new { blocker, blocked, now, low = Math.Min(blocker, blocked), high = Math.Max(blocker, blocked) };
        await connection.ExecuteAsync(new CommandDefinition(InsertBlockSql, pair, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(DeleteRequestsSql, pair, transaction, cancellationToken: cancellationToken));
        var roomIds = await connection.QueryAsync<long>(new CommandDefinition(BlockerRoomsSql, pair, transaction, cancellationToken: cancellationToken));
        var closed = new List<ClosedRoom>();
        foreach (var roomId in roomIds.AsList())
        {
            var result = await RoomLeaveRepository.LeaveAsync(connection, transaction, roomId, blocker, blockerLeftText, now, cancellationToken);
            if (result.Outcome != LeaveOutcome.NotMember)
                closed.Add(new ClosedRoom(roomId, result));
        }
        return closed;
    }
}
