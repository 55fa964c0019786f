using Dapper;
using MySqlConnector;

namespace Distance.Data.Push;

/// <summary>What a push announces; stored as the outbox row's kind.</summary>
public static class PushEventKinds
{
    public const string Message = "message";
    public const string Request = "request";
    public const string Room = "room";
    public const string Phone = "phone";
}

/// <summary>
/// Something a member may need a push for. <paramref name="SubjectId"/> is the room (message, room,
/// phone) or the request; <paramref name="ActorId"/> the member who caused it; <paramref name="Events"/>
/// how many of the same kind and subject this one stands for.
/// </summary>
public sealed record PushEvent(long MemberId, string Kind, long SubjectId, long? ActorId, string? Body = null, int Events = 1);

/// <summary>
/// Writes outbox rows inside the caller's transaction, so a push exists exactly when what it
/// announces was committed. A row that is still waiting for the relay absorbs the next event of the
/// same kind and subject (the count grows, the newest body and actor win): that is the collapse.
/// </summary>
public static class PushOutboxWriter
{
    /// <summary>Takes @pushes, a JSON array of {m, k, s, a, b, n}; composed into other statements by the repositories.</summary>
    public const string AddSql = """
        INSERT INTO push_outbox (member_id, kind, subject_id, actor_id, body, events, created_at)
        SELECT j.m, j.k, j.s, j.a, j.b, j.n, UTC_TIMESTAMP(3)
        FROM JSON_TABLE(@pushes, '$[*]' COLUMNS (
            m BIGINT PATH '$.m', k VARCHAR(16) PATH '$.k', s BIGINT PATH '$.s', a BIGINT PATH '$.a',
            b VARCHAR(500) PATH '$.b', n INT PATH '$.n')) j
        ON DUPLICATE KEY UPDATE events = push_outbox.events + VALUES(events),
            body = VALUES(body), actor_id = VALUES(actor_id);
        """;

    /// <summary>The @pushes parameter for <see cref="AddSql"/>.</summary>
    public static string Json(IEnumerable<PushEvent> events) => System.Text.Json.JsonSerializer.Serialize(
        events.Select(e => new { m = e.MemberId, k = e.Kind, s = e.SubjectId, a = e.ActorId, b = e.Body, n = e.Events }),
        JsonOptions);

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Adds the events in the caller's transaction (a no-op for none).</summary>
    public static async Task AddAsync(
        MySqlConnection connection, MySqlTransaction transaction, IReadOnlyCollection<PushEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
            return;
        await connection.ExecuteAsync(new CommandDefinition(AddSql, new { pushes = Json(events) }, transaction, cancellationToken: cancellationToken));
    }
}
