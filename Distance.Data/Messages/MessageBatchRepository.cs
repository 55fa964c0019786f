using System.Data;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Distance.Data.Push;
using MySqlConnector;

namespace Distance.Data.Messages;

/// <summary>
/// Group commit of chat messages: one transaction stores a whole batch, possibly for many rooms.
/// The room rows are locked (in id order, so concurrent batches on other nodes cannot deadlock),
/// which makes the room row the arbiter of seq, membership and status across all nodes; the
/// unique (room_id, client_message_id) key is the arbiter of idempotency. The caller acks only
/// after this returns, i.e. after COMMIT (InnoDB flushes its log on commit).
/// </summary>
public sealed class MessageBatchRepository(MySqlDataSource dataSource)
{
    // Rows arrive as one JSON document per statement, so the SQL stays constant for any batch size.
    // The join order and index are forced: on a small table the optimizer would otherwise scan
    // rooms, and a scan tries to lock rows that another node's batch holds (a deadlock), while on
    // a big messages table a wrong order would read the whole index for every batch.
    private const string LockSql = """
        SELECT id AS Id, member_low AS MemberLow, member_high AS MemberHigh, status AS Status,
               last_seq AS LastSeq, last_sender_id AS LastSenderId, exchanges AS Exchanges
        FROM rooms WHERE id IN @roomIds ORDER BY id FOR UPDATE;
        SELECT m.room_id AS RoomId, m.client_message_id AS ClientMessageId, m.seq AS Seq,
               m.sender_id AS SenderId, m.sent_at AS SentAt
        FROM JSON_TABLE(@keys, '$[*]' COLUMNS (r BIGINT PATH '$.r', c CHAR(36) PATH '$.c')) k
        STRAIGHT_JOIN messages m FORCE INDEX (ux_messages_client_id) ON m.room_id = k.r AND m.client_message_id = k.c;
        """;

    private const string WriteSql = """
        INSERT INTO messages (room_id, seq, sender_id, kind, text, sent_at, client_message_id)
        SELECT j.r, j.s, j.u, 'text', j.t, @sentAt, j.c
        FROM JSON_TABLE(@inserts, '$[*]' COLUMNS (
            r BIGINT PATH '$.r', s BIGINT PATH '$.s', u BIGINT PATH '$.u', t VARCHAR(500) PATH '$.t', c CHAR(36) PATH '$.c')) j;
        UPDATE JSON_TABLE(@rooms, '$[*]' COLUMNS (id BIGINT PATH '$.id', s BIGINT PATH '$.s', u BIGINT PATH '$.u', x INT PATH '$.x')) j
        STRAIGHT_JOIN rooms r FORCE INDEX (PRIMARY) ON r.id = j.id
        SET r.last_seq = j.s, r.last_sender_id = j.u, r.exchanges = j.x, r.last_activity_at = @sentAt;
        UPDATE JSON_TABLE(@reads, '$[*]' COLUMNS (r BIGINT PATH '$.r', m BIGINT PATH '$.m', s BIGINT PATH '$.s')) j
        STRAIGHT_JOIN room_members rm FORCE INDEX (PRIMARY) ON rm.room_id = j.r AND rm.member_id = j.m
        SET rm.read_seq = GREATEST(rm.read_seq, j.s);
        """ + PushOutboxWriter.AddSql;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Stores the batch in one transaction and returns one result per message, in batch order.</summary>
    /// <param name="sentAt">UTC, millisecond precision; the same value on every retry of the same batch.</param>
    public async Task<IReadOnlyList<AppendResult>> AppendAsync(
        IReadOnlyList<NewTextMessage> batch, DateTime sentAt, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return [];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var roomIds = batch.Select(m => m.RoomId).Distinct().Order().ToArray();
        var keys = JsonSerializer.Serialize(batch.Select(m => new { r = m.RoomId, c = m.ClientMessageId }).Distinct(), Json);
        List<LockedRoom> rooms;
        List<ExistingMessage> existing;
        await using (var reader = await connection.QueryMultipleAsync(new CommandDefinition(
                         LockSql, new { roomIds, keys }, transaction, cancellationToken: cancellationToken)))
        {
            rooms = (await reader.ReadAsync<LockedRoom>()).ToList();
            existing = (await reader.ReadAsync<ExistingMessage>())
                .Select(e => e with { SentAt = DateTime.SpecifyKind(e.SentAt, DateTimeKind.Utc) }).ToList();
        }

        var plan = MessageBatchPlan.Create(batch, rooms, existing, sentAt);
        if (plan.Inserts.Count > 0)
        {
            var parameters = new
            {
                sentAt,
                inserts = JsonSerializer.Serialize(plan.Inserts.Select(i => new { r = i.RoomId, s = i.Seq, u = i.SenderId, t = i.Text, c = i.ClientMessageId }), Json),
                rooms = JsonSerializer.Serialize(plan.RoomUpdates.Select(r => new { id = r.Id, s = r.LastSeq, u = r.LastSenderId, x = r.Exchanges }), Json),
                reads = JsonSerializer.Serialize(plan.ReadUpdates.Select(r => new { r = r.RoomId, m = r.MemberId, s = r.Seq }), Json),
                pushes = PushOutboxWriter.Json(PushEvents(plan, rooms)),
            };
            await connection.ExecuteAsync(new CommandDefinition(WriteSql, parameters, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return plan.Results;
    }

    /// <summary>
    /// A push candidate per recipient and room, in the batch's own transaction: whether the
    /// recipient is online is decided when the relay drains the outbox, not on this hot path.
    /// </summary>
    private static IEnumerable<PushEvent> PushEvents(MessageBatchPlan plan, List<LockedRoom> rooms)
    {
        var byId = rooms.ToDictionary(r => r.Id);
        return plan.Inserts
            .GroupBy(i => (i.RoomId, i.SenderId))
            .Select(g =>
            {
                var room = byId[g.Key.RoomId];
                var last = g.MaxBy(i => i.Seq)!;
                var recipient = g.Key.SenderId == room.MemberLow ? room.MemberHigh : room.MemberLow;
                return new PushEvent(recipient, PushEventKinds.Message, g.Key.RoomId, g.Key.SenderId, last.Text, g.Count());
            });
    }
}
