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
/// The relay's side of the outbox. A claim locks due rows with SKIP LOCKED, so the relays of all
/// nodes share the work without taking the same row; the rows are deleted in the claim's own
/// transaction after the caller has put their records on the stream. A relay that dies before
/// that commit leaves the rows to the next claim: at least once, never lost.
/// </summary>
public sealed class PushOutboxRepository(MySqlDataSource dataSource)
{
    // A row is due once it has waited the collapse window, so a burst becomes one row. MariaDB
    // locks every table a FOR UPDATE reads, so the actors' nicknames come from a second, plain read.
    private const string ClaimSql = """
        SELECT id AS Id, member_id AS MemberId, kind AS Kind, subject_id AS SubjectId, actor_id AS ActorId,
               body AS Body, events AS Events
        FROM push_outbox
        WHERE created_at <= UTC_TIMESTAMP(3) - INTERVAL @windowMicros MICROSECOND
        ORDER BY created_at
        LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;

    private const string NicknamesSql = "SELECT id AS Id, CONCAT(department, mbti, '#', id) AS Nickname FROM members WHERE id IN @ids";

    /// <summary>Claims up to <paramref name="limit"/> due rows; dispose the claim to release them untouched.</summary>
    public async Task<OutboxClaim> ClaimAsync(TimeSpan collapseWindow, int limit, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
                ClaimSql, new { windowMicros = (long)(collapseWindow.TotalMilliseconds * 1000), limit }, transaction, cancellationToken: cancellationToken))).AsList();
            var ids = rows.Where(r => r.ActorId is not null).Select(r => r.ActorId!.Value).Distinct().ToArray();
            if (ids.Length > 0)
            {
                var nicknames = (await connection.QueryAsync<(long Id, string Nickname)>(new CommandDefinition(
                    NicknamesSql, new { ids }, transaction, cancellationToken: cancellationToken))).ToDictionary(n => n.Id, n => n.Nickname);
                rows = rows.Select(r => r with { ActorNickname = r.ActorId is { } a ? nicknames.GetValueOrDefault(a) : null }).ToList();
            }
            return new OutboxClaim(connection, transaction, rows);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private const string OldestSql = "SELECT MIN(created_at) FROM push_outbox";

    /// <summary>When the oldest waiting row was written (UTC), or null for an empty outbox.</summary>
    public async Task<DateTime?> OldestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var oldest = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(OldestSql, cancellationToken: cancellationToken));
        return oldest is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : null;
    }
}

/// <summary>Claimed outbox rows, locked until <see cref="CompleteAsync"/> deletes them or disposal releases them.</summary>
public sealed class OutboxClaim(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<OutboxRow> rows) : IAsyncDisposable
{
    private const string DeleteSql = "DELETE FROM push_outbox WHERE id IN @ids";

    public IReadOnlyList<OutboxRow> Rows { get; } = rows;

    /// <summary>Deletes the claimed rows and commits: call only after their records are on the stream.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (Rows.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(
                DeleteSql, new { ids = Rows.Select(r => r.Id).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
