using Dapper;
using MySqlConnector;

namespace Distance.Data.Rooms;

public sealed record RoomRequestRow(long Id, long FromMemberId, long ToMemberId, DateTime CreatedAt);

/// <summary>The request inbox: requests wait in the receiver's inbox until accepted or declined.</summary>
public sealed class RoomRequestRepository(MySqlDataSource dataSource)
{
    private const string IncomingSql = """
        SELECT id AS Id, from_member_id AS FromMemberId, to_member_id AS ToMemberId, created_at AS CreatedAt
        FROM room_requests WHERE to_member_id = @memberId
        ORDER BY created_at DESC, id DESC
        """;

    private const string FindSql = """
        SELECT id AS Id, from_member_id AS FromMemberId, to_member_id AS ToMemberId, created_at AS CreatedAt
        FROM room_requests WHERE id = @requestId
        """;

    private const string DeclineSql = "DELETE FROM room_requests WHERE id = @requestId AND to_member_id = @memberId";

    public async Task<IReadOnlyList<RoomRequestRow>> IncomingAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomRequestRow>(new CommandDefinition(IncomingSql, new { memberId }, cancellationToken: cancellationToken));
        return rows.Select(Utc).ToList();
    }

    public async Task<RoomRequestRow?> FindAsync(long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RoomRequestRow>(new CommandDefinition(FindSql, new { requestId }, cancellationToken: cancellationToken));
        return row is null ? null : Utc(row);
    }

    /// <summary>Only the receiver may decline; false when there is no such request in their inbox.</summary>
    public async Task<bool> DeclineAsync(long requestId, long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeclineSql, new { requestId, memberId }, cancellationToken: cancellationToken)) > 0;
    }

    private static RoomRequestRow Utc(RoomRequestRow row) => row with { CreatedAt = DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc) };
}
