using System.Data;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Locations;

/// <summary>
/// Moves a member's slots between grid buckets, keeping every bucket's slots 0..size-1 taken.
/// Locking, in this order: the member's own location row (only the member's own requests take
/// it), then the buckets involved, in primary-key order and in one statement. A slot row is only
/// changed by a transaction that holds its bucket's lock, so movers cannot wait on each other in a
/// cycle; a conflict InnoDB still reports (a gap lock, two first locations racing) is retried.
/// </summary>
internal sealed partial class LocationMoves(MySqlConnection connection)
{
    private const int Attempts = 5;

    private enum Outcome { Done, NoMember, Retry }

    private sealed record Place(string SchoolCode, string Gender, bool WomensUniversity);

    // Rows with a TINYINT column are classes: Dapper converts column types into properties, not
    // into constructor parameters.
    private sealed class LockedBucket
    {
        public int Level { get; init; }
        public long Cell { get; init; }
        public long Id { get; init; }
        public int Size { get; init; }
    }

    private sealed class OwnSlot
    {
        public int Level { get; init; }
        public long BucketId { get; init; }
        public int Slot { get; init; }
    }

    private sealed record OwnCells(long Cell0, long Cell1, long Cell2);

    // What the last successful attempt found and did, for the cell index.
    private Place? placed;
    private long[]? before;

    /// <summary>Where the member was placed before and is now; null when the member does not exist.</summary>
    public async Task<LocationMove?> MoveAsync(long memberId, double latitude, double longitude, long[] cells, CancellationToken cancellationToken)
    {
        if (await RetryAsync(() => TryMoveAsync(memberId, latitude, longitude, cells, cancellationToken)) != Outcome.Done || placed is null)
            return null;
        MemberPlacement At(long[] at) => new(memberId, placed.SchoolCode, placed.Gender, placed.WomensUniversity, at);
        return new LocationMove(before is null ? null : At(before), At(cells));
    }

    public async Task RemoveAsync(long memberId, CancellationToken cancellationToken) =>
        await RetryAsync(() => TryMoveAsync(memberId, 0, 0, null, cancellationToken));

    private static async Task<Outcome> RetryAsync(Func<Task<Outcome>> attempt)
    {
        // Conflicts get Attempts tries; creating a missing bucket (at most once per level and
        // cell) restarts without counting, within a bound.
        var conflicts = 0;
        for (var i = 0; i < 3 * Attempts; i++)
        {
            try
            {
                var outcome = await attempt();
                if (outcome != Outcome.Retry)
                    return outcome;
                continue;
            }
            catch (MySqlException exception) when (IsConflict(exception) && ++conflicts < Attempts)
            {
            }
            await Task.Delay(Random.Shared.Next(1, 5 * conflicts));
        }
        throw new TimeoutException($"The location could not be moved after {Attempts} conflicts.");
    }

    // A duplicate key means two first locations of one member raced; the retry finds the row.
    private static bool IsConflict(MySqlException exception) =>
        exception.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.DuplicateKeyEntry;

    /// <summary>Moves the member to <paramref name="cells"/>, or out of every bucket when it is null.</summary>
    private async Task<Outcome> TryMoveAsync(long memberId, double latitude, double longitude, long[]? cells, CancellationToken cancellationToken)
    {
        var place = await connection.QuerySingleOrDefaultAsync<Place>(new CommandDefinition(PlaceSql, new { memberId }, cancellationToken: cancellationToken));
        if (place is null)
            return Outcome.NoMember;

        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        // The member's own row first: concurrent requests of one member queue here instead of
        // racing. Only the member itself ever locks this row, so this cannot close a lock cycle.
        var current = await connection.QuerySingleOrDefaultAsync<OwnCells>(new CommandDefinition(LockOwnRowSql, new { memberId }, transaction, cancellationToken: cancellationToken));
        long[]? old = current is null ? null : [current.Cell0, current.Cell1, current.Cell2];
        (placed, before) = (place, old);
        if (cells is null && old is null)
            return Outcome.Done;
        var changed = Enumerable.Range(0, GeoGrid.Levels).Where(l => old is null || cells is null || old[l] != cells[l]).ToArray();
        if (changed.Length == 0)
        {
            // Same cells after all: a repeated update within one millisecond, or a concurrent one.
            await connection.ExecuteAsync(new CommandDefinition(UpdateLocationSql, Location(memberId, latitude, longitude, cells), transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return Outcome.Done;
        }

        var wanted = changed.SelectMany(l => new[] { old is null ? null : ((int, long)?)(l, old[l]), cells is null ? null : (l, cells[l]) })
            .OfType<(int Level, long Cell)>().ToList();
        var locked = (await connection.QueryAsync<LockedBucket>(new CommandDefinition(
                LockBucketsSql, LockParameters(place, wanted), transaction, cancellationToken: cancellationToken)))
            .ToDictionary(b => (b.Level, b.Cell));
        var missing = wanted.Where(w => !locked.ContainsKey(w)).ToList();
        if (missing.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            await CreateBucketsAsync(place, missing, cancellationToken);
            return Outcome.Retry;
        }

        // Slots at the changed levels cannot change now: their buckets are locked.
        var slots = (await connection.QueryAsync<OwnSlot>(new CommandDefinition(OwnSlotsSql, new { memberId }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(s => s.Level);
        foreach (var level in changed)
        {
            var into = cells is null ? null : locked[(level, cells[level])];
            var from = old is null ? null : locked[(level, old[level])];
            if (from is not null && slots[level].BucketId != from.Id)
                throw new InvalidOperationException($"Member {memberId} has a slot outside its bucket at level {level}.");
            var sql = (from, into) switch
            {
                (null, _) => InsertSlotSql,
                (_, null) => DeleteSlotSql,
                _ => MoveSlotSql,
            };
            await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                memberId, level,
                newBucket = into?.Id, newSlot = into?.Size,
                oldBucket = from?.Id, oldSlot = from is null ? (int?)null : slots[level].Slot, lastSlot = from?.Size - 1,
            }, transaction, cancellationToken: cancellationToken));
        }

        var rowSql = cells is null ? DeleteLocationSql : old is null ? InsertLocationSql : UpdateLocationSql;
        await connection.ExecuteAsync(new CommandDefinition(rowSql, Location(memberId, latitude, longitude, cells), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return Outcome.Done;
    }

    private static bool SameCells(long[]? a, long[]? b) => a is null || b is null ? a is null && b is null : a.SequenceEqual(b);

    private static object Location(long memberId, double latitude, double longitude, long[]? cells) => new
    {
        memberId, latitude, longitude, cell0 = cells?[0], cell1 = cells?[1], cell2 = cells?[2],
    };

    private static DynamicParameters LockParameters(Place place, List<(int Level, long Cell)> wanted)
    {
        var parameters = new DynamicParameters(new { school = place.SchoolCode, gender = place.Gender });
        // The statement has a fixed number of pairs; unused ones repeat the first.
        for (var i = 0; i < LockPairs; i++)
        {
            var (level, cell) = wanted[Math.Min(i, wanted.Count - 1)];
            parameters.Add("l" + i, level);
            parameters.Add("c" + i, cell);
        }
        return parameters;
    }

    private async Task CreateBucketsAsync(Place place, List<(int Level, long Cell)> missing, CancellationToken cancellationToken)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(missing.Select(m => new long[] { m.Level, m.Cell }));
        await connection.ExecuteAsync(new CommandDefinition(CreateBucketsSql, new
        {
            school = place.SchoolCode, gender = place.Gender, womens = place.WomensUniversity, buckets = json,
        }, cancellationToken: cancellationToken));
    }
}
