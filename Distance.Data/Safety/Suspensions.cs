using Dapper;
using MySqlConnector;

namespace Distance.Data.Safety;

/// <summary>A room a suspension made inactive, and the opponent who is to hear of it.</summary>
public sealed record SuspendedRoom(long RoomId, long OpponentId);

/// <summary>
/// Suspension at the threshold of distinct counting reporters with open reports: the member is
/// deactivated (login refused, out of matching, no room can open with them) and every active room
/// of theirs turns inactive for the opponent. Runs inside the transaction that filed the report
/// (or brought reports back at sign-up), which holds the member's row lock.
/// </summary>
internal static class Suspensions
{
    // reports has one row per (reported, reporter): the row count is the distinct reporters.
    private const string CountSql = """
        SELECT COUNT(*) FROM reports WHERE reported_id = @memberId AND counts AND resolved_at IS NULL
        """;

    private const string SuspendSql = """
        UPDATE members SET deactivated_at = @now, moderation = 'suspended' WHERE id = @memberId AND moderation = 'active'
        """;

    private const string ActiveRoomsSql = """
        SELECT r.id AS RoomId, o.member_id AS OpponentId
        FROM room_members me
        JOIN rooms r ON r.id = me.room_id AND r.status = 'active'
        JOIN room_members o ON o.room_id = r.id AND o.member_id <> me.member_id
        WHERE me.member_id = @memberId AND me.left_at IS NULL
        ORDER BY r.id
        FOR UPDATE
        """;

    private const string InactivateSql = "UPDATE rooms SET status = 'inactive' WHERE id IN @ids";

    /// <summary>Null when the member stays as they are; else the rooms that went inactive.</summary>
    public static async Task<IReadOnlyList<SuspendedRoom>?> SuspendIfReportedAsync(
        MySqlConnection connection, MySqlTransaction transaction, long memberId, int threshold, DateTime now, CancellationToken cancellationToken)
    {
        var reporters = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, new { memberId }, transaction, cancellationToken: cancellationToken));
        if (reporters < threshold)
            return null;
        if (await connection.ExecuteAsync(new CommandDefinition(SuspendSql, new { memberId, now }, transaction, cancellationToken: cancellationToken)) == 0)
            return null;
        return await InactivateRoomsAsync(connection, transaction, memberId, cancellationToken);
    }

    /// <summary>Every active room of the member turns inactive (the member stays in it); returns them with their opponents.</summary>
    public static async Task<IReadOnlyList<SuspendedRoom>> InactivateRoomsAsync(
        MySqlConnection connection, MySqlTransaction transaction, long memberId, CancellationToken cancellationToken)
    {
        var rooms = (await connection.QueryAsync<SuspendedRoom>(new CommandDefinition(
            ActiveRoomsSql, new { memberId }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rooms.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(
                InactivateSql, new { ids = rooms.Select(r => r.RoomId).ToArray() }, transaction, cancellationToken: cancellationToken));
        return rooms;
    }
}
