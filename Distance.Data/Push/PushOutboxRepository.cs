using System.Data;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Push;

/// <summary>An outbox row the relay has claimed, with the nickname of the member who caused it.</summary>
public sealed record OutboxRow(long Id, long MemberId, string Kind, long SubjectId, long? ActorId, string? Body, int Events)
{
    public string? ActorNickname { get; init; }
}

/// <summary>
/// The relay's side of the outbox. A claim marks due rows as taken in a short transaction of its
/// own (SKIP LOCKED, so the relays of all nodes share the work without taking the same row) and
/// commits, so no row lock is held while the caller puts the records on the stream; the rows are
/// deleted after that. A relay that dies before the delete leaves claimed rows whose lease runs
/// out, and the next claim takes them again: at least once, never lost.
/// </summary>
public sealed class PushOutboxRepository(MySqlDataSource dataSource)
{
    // A row is due once it has waited the collapse window (so a burst becomes one row) and nobody
    // holds a live claim on it. MariaDB locks every table a FOR UPDATE reads, so the actors'
    // nicknames come from a second, plain read.
    private const string ClaimSql = """
        SELECT id AS Id, member_id AS MemberId, kind AS Kind, subject_id AS SubjectId, actor_id AS ActorId,
               body AS Body, events AS Events
        FROM push_outbox
        WHERE created_at <= UTC_TIMESTAMP(3) - INTERVAL @windowMicros MICROSECOND
          AND (claim = 0 OR claimed_at <= UTC_TIMESTAMP(3) - INTERVAL @leaseMicros MICROSECOND)
        ORDER BY created_at
        LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;

    // claim = id keeps (member, kind, subject, claim) unique and frees the unclaimed slot for new events.
    private const string MarkSql = "UPDATE push_outbox SET claim = id, claimed_at = UTC_TIMESTAMP(3) WHERE id IN @ids";

    private const string NicknamesSql = "SELECT id AS Id, CONCAT(department, mbti, '#', id) AS Nickname FROM members WHERE id IN @ids";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows for <paramref name="lease"/>: complete the
    /// claim once their records are on the stream, or let the lease run out to hand them back.
    /// </summary>
    public async Task<OutboxClaim> ClaimAsync(TimeSpan collapseWindow, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(ClaimSql,
            new { windowMicros = Micros(collapseWindow), leaseMicros = Micros(lease), limit }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
            return new OutboxClaim(dataSource, rows);
        await connection.ExecuteAsync(new CommandDefinition(
            MarkSql, new { ids = rows.Select(r => r.Id).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);

        var actors = rows.Where(r => r.ActorId is not null).Select(r => r.ActorId!.Value).Distinct().ToArray();
        if (actors.Length > 0)
        {
            var nicknames = (await connection.QueryAsync<(long Id, string Nickname)>(new CommandDefinition(
                NicknamesSql, new { ids = actors }, cancellationToken: cancellationToken))).ToDictionary(n => n.Id, n => n.Nickname);
            rows = rows.Select(r => r with { ActorNickname = r.ActorId is { } a ? nicknames.GetValueOrDefault(a) : null }).ToList();
        }
        return new OutboxClaim(dataSource, rows);
    }

    private static long Micros(TimeSpan span) => (long)(span.TotalMilliseconds * 1000);

    private const string OldestSql = "SELECT MIN(created_at) FROM push_outbox";

    /// <summary>When the oldest waiting row was written (UTC), or null for an empty outbox.</summary>
    public async Task<DateTime?> OldestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var oldest = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(OldestSql, cancellationToken: cancellationToken));
        return oldest is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : null;
    }
}

/// <summary>Claimed outbox rows: deleted by <see cref="CompleteAsync"/>, or taken again by a later claim once the lease ran out.</summary>
public sealed class OutboxClaim(MySqlDataSource dataSource, IReadOnlyList<OutboxRow> rows)
{
    private const string DeleteSql = "DELETE FROM push_outbox WHERE id IN @ids";

    public IReadOnlyList<OutboxRow> Rows { get; } = rows;

    /// <summary>Deletes the claimed rows: call only after their records are on the stream.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (Rows.Count == 0)
            return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            DeleteSql, new { ids = Rows.Select(r => r.Id).ToArray() }, cancellationToken: cancellationToken));
    }
}
