using System.Data;
using System.Text.Json;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Push;

/// <summary>An outbox row the relay has claimed, with the nickname of the member who caused it.</summary>
public sealed record OutboxRow(long Id, long MemberId, string Kind, long SubjectId, long? ActorId, string? Body, int Events)
{
    public string? ActorNickname { get; init; }
}

/// <summary>
/// The relay's side of the outbox. A claim moves due rows into push_claimed in a short transaction
/// of its own (SKIP LOCKED, so the relays of all nodes share the work without taking the same row)
/// and commits, so no row lock is held while the caller puts the records on the stream; the rows
/// are deleted from push_claimed after that. A relay that dies before the delete leaves claimed rows
/// whose lease runs out, and the next claim takes them again: at least once, never lost. New events
/// of a claimed room start a new outbox row meanwhile.
/// </summary>
/// <remarks>
/// Message batches upsert outbox rows through their unique key, then their primary key. A claim
/// takes a row's locks in that order too and skips a row a batch holds, and it writes nothing into
/// the outbox's indexes (a delete only marks entries it holds): so it never waits for a batch,
/// and no batch is ever a deadlock's victim because of it. Locking through the created_at index
/// and marking rows claim = id in place did both: 4-17 chat commits per cold surge were rolled
/// back and retried 50 ms later (docs/benchmarks.md, "The push relay's deadlocks").
/// </remarks>
public sealed class PushOutboxRepository(MySqlDataSource dataSource)
{
    // Due: the row has waited the collapse window (so a burst becomes one row). claim <> 0 is a row
    // the release before this one marked claimed in place; it is due once its lease has run out.
    private const string DueSql = """
        created_at <= UTC_TIMESTAMP(3) - INTERVAL @windowMicros MICROSECOND
        AND (claim = 0 OR claimed_at <= UTC_TIMESTAMP(3) - INTERVAL @leaseMicros MICROSECOND)
        """;

    // An OutboxRow of table o: push_outbox and push_claimed share these columns.
    private const string RowColumns =
        "o.id AS Id, o.member_id AS MemberId, o.kind AS Kind, o.subject_id AS SubjectId, o.actor_id AS ActorId, o.body AS Body, o.events AS Events";

    // The oldest due keys, read without a lock.
    private const string CandidatesSql = $"""
        SELECT id AS Id, member_id AS MemberId, kind AS Kind, subject_id AS SubjectId, claim AS Claim
        FROM push_outbox WHERE {DueSql}
        ORDER BY created_at
        LIMIT @limit
        """;

    // Locks the candidates through the unique key (then the primary key), skipping any a batch or
    // another relay holds, and checks again that each is still due. (The unqualified columns are
    // push_outbox's: the JSON_TABLE has none of those names.) MariaDB locks every table a FOR
    // UPDATE reads, so the actors' nicknames come from a second, plain read.
    private const string LockSql = $"""
        SELECT {RowColumns}
        FROM JSON_TABLE(@keys, '$[*]' COLUMNS (
            i BIGINT PATH '$.i', m BIGINT PATH '$.m', k VARCHAR(16) PATH '$.k', s BIGINT PATH '$.s', c BIGINT PATH '$.c')) j
        STRAIGHT_JOIN push_outbox o FORCE INDEX (ux_push_outbox_subject)
          ON o.member_id = j.m AND o.kind = j.k AND o.subject_id = j.s AND o.claim = j.c AND o.id = j.i
        WHERE {DueSql}
        FOR UPDATE SKIP LOCKED
        """;

    private static readonly string MoveSql = $"""
        INSERT INTO push_claimed (id, member_id, kind, subject_id, actor_id, body, events, created_at, claimed_at)
        SELECT o.id, o.member_id, o.kind, o.subject_id, o.actor_id, o.body, o.events, o.created_at, UTC_TIMESTAMP(3)
        FROM {ById.Join("push_outbox")};
        DELETE o FROM {ById.Join("push_outbox")};
        """;

    // Claims whose relay died between the stream and the delete; only relays touch push_claimed.
    // As in the outbox, a plain read picks them and the lock is taken by primary key, skipping what
    // another relay holds: a locking range scan of the claimed_at index also locked the entry past
    // its end, one that another relay's delete was waiting for (a deadlock in PushOutboxClaimTests).
    private const string ExpiredCandidatesSql = """
        SELECT id FROM push_claimed
        WHERE claimed_at <= UTC_TIMESTAMP(3) - INTERVAL @leaseMicros MICROSECOND
        ORDER BY claimed_at
        LIMIT @limit
        """;

    private static readonly string ExpiredSql = $"""
        SELECT {RowColumns}
        FROM {ById.Join("push_claimed")}
        WHERE o.claimed_at <= UTC_TIMESTAMP(3) - INTERVAL @leaseMicros MICROSECOND
        FOR UPDATE SKIP LOCKED
        """;

    private static readonly string RenewSql = $"UPDATE {ById.Join("push_claimed")} SET o.claimed_at = UTC_TIMESTAMP(3)";

    private const string NicknamesSql = "SELECT id AS Id, CONCAT(department, mbti, '#', id) AS Nickname FROM members WHERE id IN @ids";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows for <paramref name="lease"/>: complete the
    /// claim once their records are on the stream, or let the lease run out to hand them back.
    /// </summary>
    public async Task<OutboxClaim> ClaimAsync(TimeSpan collapseWindow, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var (windowMicros, leaseMicros) = (Micros(collapseWindow), Micros(lease));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var expired = (await connection.QueryAsync<long>(new CommandDefinition(
            ExpiredCandidatesSql, new { leaseMicros, limit }, transaction, cancellationToken: cancellationToken))).AsList();
        var rows = expired.Count == 0 ? [] : (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            ExpiredSql, new { leaseMicros, ids = JsonSerializer.Serialize(expired) }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(RenewSql, new { ids = ById.Json(rows) }, transaction, cancellationToken: cancellationToken));

        var candidates = rows.Count < limit
            ? (await connection.QueryAsync<OutboxKey>(new CommandDefinition(CandidatesSql,
                new { windowMicros, leaseMicros, limit = limit - rows.Count }, transaction, cancellationToken: cancellationToken))).AsList()
            : [];
        if (candidates.Count > 0)
        {
            var taken = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(LockSql,
                new { windowMicros, leaseMicros, keys = Keys(candidates) }, transaction, cancellationToken: cancellationToken))).AsList();
            if (taken.Count > 0)
                await connection.ExecuteAsync(new CommandDefinition(MoveSql, new { ids = ById.Json(taken) }, transaction, cancellationToken: cancellationToken));
            rows.AddRange(taken);
        }
        if (rows.Count == 0)
            return new OutboxClaim(dataSource, rows);
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

    /// <summary>A candidate row: its id and unique key.</summary>
    private sealed record OutboxKey(long Id, long MemberId, string Kind, long SubjectId, long Claim);

    private static string Keys(List<OutboxKey> keys) =>
        JsonSerializer.Serialize(keys.Select(k => new { i = k.Id, m = k.MemberId, k = k.Kind, s = k.SubjectId, c = k.Claim }));

    private static long Micros(TimeSpan span) => (long)(span.TotalMilliseconds * 1000);

    private const string OldestSql = """
        SELECT MIN(t) FROM (
            SELECT MIN(created_at) AS t FROM push_outbox UNION ALL SELECT MIN(created_at) FROM push_claimed) oldest
        """;

    /// <summary>When the oldest row not yet relayed was written (UTC; claimed ones too), or null for an empty outbox.</summary>
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
    private static readonly string DeleteSql = $"DELETE o FROM {ById.Join("push_claimed")}";

    public IReadOnlyList<OutboxRow> Rows { get; } = rows;

    /// <summary>Deletes the claimed rows: call only after their records are on the stream.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (Rows.Count == 0)
            return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // READ COMMITTED: record locks only, none on the gaps where other relays insert their claims.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { ids = ById.Json(Rows) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>
/// Rows by id (the @ids parameter, a JSON array), always through the primary key. A plain
/// <c>WHERE id IN (…)</c> on a table whose statistics were taken while it was empty (every fresh
/// database, and an outbox is often near empty) ran as a scan that locked every row it passed:
/// a relay's delete of 3 rows held 1,132 row locks and deadlocked message batches
/// (PushOutboxClaimTests).
/// </summary>
internal static class ById
{
    public static string Join(string table) => $"""
        JSON_TABLE(@ids, '$[*]' COLUMNS (i BIGINT PATH '$')) j
        STRAIGHT_JOIN {table} o FORCE INDEX (PRIMARY) ON o.id = j.i
        """;

    public static string Json(IEnumerable<OutboxRow> rows) => JsonSerializer.Serialize(rows.Select(r => r.Id));
}
