using System.Globalization;
using System.Text;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Locations;

/// <summary>A member's reported location, exact as the client sent it (it is snapped before it is stored).</summary>
public sealed record LocationUpdate(long MemberId, double Latitude, double Longitude);

/// <summary>A stored move: where the member was placed before (null for its first location) and is now.</summary>
public sealed record LocationMove(MemberPlacement? Before, MemberPlacement After);

/// <summary>
/// The members whose updates stayed in their cells, and the placements of those among them whose
/// cells changed within <see cref="LocationRepository.RecentMove"/>: a copy of the grid may have
/// lost those (a Redis failover loses the last writes), never older ones.
/// </summary>
public sealed record StoredInPlace(IReadOnlySet<long> Members, IReadOnlyList<MemberPlacement> RecentlyMoved);

/// <summary>
/// Stores members' last locations. An update that stays in the member's grid cells is a single
/// UPDATE of one row (the common case when a client reports every few seconds), and several of
/// them are one UPDATE of many rows (<see cref="UpdateInPlaceAsync"/>); one that changes cells
/// moves the member's slots between buckets (<see cref="LocationMoves"/>).
/// </summary>
public sealed class LocationRepository(MySqlDataSource dataSource)
{
    // The common case: the point moves within the member's cells, and activity is refreshed at
    // most once per throttle interval. The row's updated_at says when its cells last changed (the
    // movers write it): a client that reports the same ~100 m cell again then changes no column,
    // and InnoDB writes no redo for it and has nothing to flush at commit. No row matches when
    // the member has no location yet or changes cells: the SELECT says which members were matched.
    /// <summary>How long after a change of cells an update in place still reports the member's placement.</summary>
    public static readonly TimeSpan RecentMove = TimeSpan.FromMinutes(5);

    private const string UpdateInPlaceSql = """
        UPDATE member_locations l
        JOIN JSON_TABLE(@batch, '$[*]' COLUMNS (
            member_id BIGINT PATH '$[0]', latitude DOUBLE PATH '$[1]', longitude DOUBLE PATH '$[2]',
            cell0 BIGINT PATH '$[3]', cell1 BIGINT PATH '$[4]', cell2 BIGINT PATH '$[5]')) b
          ON l.member_id = b.member_id AND l.cell0 = b.cell0 AND l.cell1 = b.cell1 AND l.cell2 = b.cell2
        JOIN members m ON m.id = l.member_id
        SET l.latitude = b.latitude, l.longitude = b.longitude,
            m.last_active_at = IF(m.last_active_at < UTC_TIMESTAMP(3) - INTERVAL @throttleMicroseconds MICROSECOND,
                                  UTC_TIMESTAMP(3), m.last_active_at);
        SELECT l.member_id AS MemberId, m.school_code AS SchoolCode, m.gender AS Gender, s.womens_university AS WomensUniversity,
               l.cell0 AS Cell0, l.cell1 AS Cell1, l.cell2 AS Cell2,
               l.updated_at >= UTC_TIMESTAMP(3) - INTERVAL @recentMicroseconds MICROSECOND AS MovedRecently
        FROM JSON_TABLE(@batch, '$[*]' COLUMNS (
            member_id BIGINT PATH '$[0]', cell0 BIGINT PATH '$[3]', cell1 BIGINT PATH '$[4]', cell2 BIGINT PATH '$[5]')) b
        JOIN member_locations l
          ON l.member_id = b.member_id AND l.cell0 = b.cell0 AND l.cell1 = b.cell1 AND l.cell2 = b.cell2
        JOIN members m ON m.id = l.member_id
        JOIN schools s ON s.code = m.school_code;
        """;

    // Every placed member after @after in id order: the cell index is rebuilt from these pages.
    private const string PlacementsSql = """
        SELECT l.member_id AS MemberId, m.school_code AS SchoolCode, m.gender AS Gender, s.womens_university AS WomensUniversity,
               l.cell0 AS Cell0, l.cell1 AS Cell1, l.cell2 AS Cell2
        FROM member_locations l
        JOIN members m ON m.id = l.member_id
        JOIN schools s ON s.code = m.school_code
        WHERE l.member_id > @after
        ORDER BY l.member_id
        LIMIT @limit
        """;

    // A class: Dapper converts column types into properties (womens_university is a TINYINT).
    private sealed class PlacementRow
    {
        public long MemberId { get; init; }
        public string SchoolCode { get; init; } = "";
        public string Gender { get; init; } = "";
        public bool WomensUniversity { get; init; }
        public long Cell0 { get; init; }
        public long Cell1 { get; init; }
        public long Cell2 { get; init; }
        public bool MovedRecently { get; init; }

        public MemberPlacement ToPlacement() => new(MemberId, SchoolCode, Gender, WomensUniversity, [Cell0, Cell1, Cell2]);
    }

    private const string TouchSql = """
        UPDATE members SET last_active_at = UTC_TIMESTAMP(3)
        WHERE id = @memberId AND last_active_at < UTC_TIMESTAMP(3) - INTERVAL @throttleMicroseconds MICROSECOND
        """;

    /// <summary>
    /// Records the member's location (as the centre of its ~100 m cell: the exact point is never
    /// stored, see <see cref="CoarsePositions"/>) and activity. Returns false when the member does not exist.
    /// </summary>
    public async Task<bool> UpdateAsync(long memberId, double exactLatitude, double exactLongitude, TimeSpan activityThrottle, CancellationToken cancellationToken)
    {
        var update = new LocationUpdate(memberId, exactLatitude, exactLongitude);
        if ((await UpdateInPlaceAsync([update], activityThrottle, cancellationToken)).Members.Count > 0)
            return true;
        return await MoveAsync(update, activityThrottle, cancellationToken) is not null;
    }

    /// <summary>
    /// Stores every update that stays in its member's cells, in one statement and one commit, and
    /// returns those members. The others (no location yet, other cells, no such member) are left
    /// for <see cref="MoveAsync"/>. A member appears at most once in <paramref name="updates"/>.
    /// </summary>
    public async Task<StoredInPlace> UpdateInPlaceAsync(IReadOnlyCollection<LocationUpdate> updates, TimeSpan activityThrottle, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var matched = (await connection.QueryAsync<PlacementRow>(new CommandDefinition(UpdateInPlaceSql, new
        {
            batch = BatchJson(updates),
            throttleMicroseconds = Microseconds(activityThrottle),
            recentMicroseconds = Microseconds(RecentMove),
        }, cancellationToken: cancellationToken))).AsList();
        return new StoredInPlace(matched.Select(r => r.MemberId).ToHashSet(),
            matched.Where(r => r.MovedRecently).Select(r => r.ToPlacement()).ToList());
    }

    /// <summary>An update that changes the member's cells or is its first: moves its bucket slots. Null when the member does not exist.</summary>
    public async Task<LocationMove?> MoveAsync(LocationUpdate update, TimeSpan activityThrottle, CancellationToken cancellationToken)
    {
        var (latitude, longitude) = CoarsePositions.Snap(update.Latitude, update.Longitude);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var move = await new LocationMoves(connection).MoveAsync(update.MemberId, latitude, longitude, GeoGrid.CellsOf(latitude, longitude), cancellationToken);
        if (move is null)
            return null;
        await connection.ExecuteAsync(new CommandDefinition(TouchSql,
            new { memberId = update.MemberId, throttleMicroseconds = Microseconds(activityThrottle) }, cancellationToken: cancellationToken));
        return move;
    }

    /// <summary>Up to <paramref name="limit"/> placed members with ids above <paramref name="after"/>, in id order.</summary>
    public async Task<IReadOnlyList<MemberPlacement>> PlacementsAfterAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PlacementRow>(new CommandDefinition(PlacementsSql, new { after, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToPlacement()).ToList();
    }

    /// <summary>Takes the member out of matching (e.g. when the account is deleted).</summary>
    public async Task RemoveAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new LocationMoves(connection).RemoveAsync(memberId, cancellationToken);
    }

    private static long Microseconds(TimeSpan interval) => (long)(interval.TotalMilliseconds * 1000);

    /// <summary>[[memberId, latitude, longitude, cell0, cell1, cell2], …] of the snapped points, for JSON_TABLE.</summary>
    private static string BatchJson(IReadOnlyCollection<LocationUpdate> updates)
    {
        var json = new StringBuilder(updates.Count * 80).Append('[');
        foreach (var update in updates)
        {
            var (latitude, longitude) = CoarsePositions.Snap(update.Latitude, update.Longitude);
            var cells = GeoGrid.CellsOf(latitude, longitude);
            if (json.Length > 1)
                json.Append(',');
            json.Append(CultureInfo.InvariantCulture, $"[{update.MemberId},{latitude:R},{longitude:R},{cells[0]},{cells[1]},{cells[2]}]");
        }
        return json.Append(']').ToString();
    }
}
