using Dapper;
using MySqlConnector;

namespace Distance.Data.Rooms;

/// <summary>
/// The active rooms of many members in one statement. A connection storm (the survivors of a lost
/// node reconnecting at once) asks for thousands of members' rooms within a second; one statement
/// per connection spent MariaDB's CPU on per-statement work instead (issue 20).
/// </summary>
public sealed class MemberRoomsRepository(MySqlDataSource dataSource)
{
    private const string ActiveRoomIdsSql = """
        SELECT rm.member_id AS MemberId, rm.room_id AS RoomId
        FROM room_members rm JOIN rooms r ON r.id = rm.room_id
        WHERE rm.member_id IN @memberIds AND rm.left_at IS NULL AND r.status = 'active'
        """;

    /// <summary>Each member's active rooms, current ones only (not left); a member without any is absent.</summary>
    public async Task<ILookup<long, long>> ActiveRoomIdsAsync(IReadOnlyCollection<long> memberIds, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
            return Array.Empty<MemberRoom>().ToLookup(r => r.MemberId, r => r.RoomId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MemberRoom>(
            new CommandDefinition(ActiveRoomIdsSql, new { memberIds }, cancellationToken: cancellationToken));
        return rows.ToLookup(r => r.MemberId, r => r.RoomId);
    }

    private sealed record MemberRoom(long MemberId, long RoomId);
}
