using Dapper;
using MySqlConnector;

namespace Distance.Data.Messages;

/// <summary>Reads of a room's history and the members' read positions.</summary>
public sealed class MessageRepository(MySqlDataSource dataSource)
{
    private const string AfterSql = """
        SELECT room_id AS RoomId, seq AS Seq, sender_id AS SenderId, kind AS Kind, text AS Text,
               sent_at AS SentAt, client_message_id AS ClientMessageId
        FROM messages
        WHERE room_id = @roomId AND seq > @afterSeq AND seq < @beforeSeq
        ORDER BY seq
        LIMIT @limit
        """;

    private const string NewestSql = """
        SELECT room_id AS RoomId, seq AS Seq, sender_id AS SenderId, kind AS Kind, text AS Text,
               sent_at AS SentAt, client_message_id AS ClientMessageId
        FROM messages
        WHERE room_id = @roomId AND seq < @beforeSeq
        ORDER BY seq DESC
        LIMIT @limit
        """;

    // The read position never passes the room's last seq, and never moves back.
    private const string MarkReadSql = """
        UPDATE room_members rm JOIN rooms r ON r.id = rm.room_id
        SET rm.read_seq = GREATEST(rm.read_seq, LEAST(@seq, r.last_seq))
        WHERE rm.room_id = @roomId AND rm.member_id = @memberId AND rm.left_at IS NULL;
        SELECT read_seq FROM room_members WHERE room_id = @roomId AND member_id = @memberId AND left_at IS NULL;
        """;

    /// <summary>Up to <paramref name="limit"/> messages after <paramref name="afterSeq"/> (and before <paramref name="beforeSeq"/>), ascending.</summary>
    public async Task<IReadOnlyList<MessageRow>> AfterAsync(
        long roomId, long afterSeq, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
            AfterSql, new { roomId, afterSeq, beforeSeq = beforeSeq ?? long.MaxValue, limit }, cancellationToken: cancellationToken));
        return rows.Select(Utc).ToList();
    }

    /// <summary>The newest <paramref name="limit"/> messages (before <paramref name="beforeSeq"/> if given), ascending.</summary>
    public async Task<IReadOnlyList<MessageRow>> NewestAsync(long roomId, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
            NewestSql, new { roomId, beforeSeq = beforeSeq ?? long.MaxValue, limit }, cancellationToken: cancellationToken));
        return rows.Reverse().Select(Utc).ToList();
    }

    /// <summary>Moves the member's read position forward; null when the member is not (or no longer) in the room.</summary>
    public async Task<long?> MarkReadAsync(long roomId, long memberId, long seq, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            MarkReadSql, new { roomId, memberId, seq }, cancellationToken: cancellationToken));
    }

    internal static MessageRow Utc(MessageRow row) => row with { SentAt = DateTime.SpecifyKind(row.SentAt, DateTimeKind.Utc) };
}
