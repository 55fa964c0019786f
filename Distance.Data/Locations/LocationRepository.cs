using System.Globalization;
using System.Text;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Locations;

/// <summary>A member's reported location, exact as the client sent it (it is snapped before it is stored).</summary>
public sealed record LocationUpdate(long MemberId, double Latitude, double Longitude);

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
        SELECT l.member_id
        FROM JSON_TABLE(@batch, '$[*]' COLUMNS (
            member_id BIGINT PATH '$[0]', cell0 BIGINT PATH '$[3]', cell1 BIGINT PATH '$[4]', cell2 BIGINT PATH '$[5]')) b
        JOIN member_locations l
          ON l.member_id = b.member_id AND l.cell0 = b.cell0 AND l.cell1 = b.cell1 AND l.cell2 = b.cell2;
        """;

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
        if ((await UpdateInPlaceAsync([update], activityThrottle, cancellationToken)).Contains(memberId))
            return true;
        return await MoveAsync(update, activityThrottle, cancellationToken);
    }

    /// <summary>
    /// Stores every update that stays in its member's cells, in one statement and one commit, and
    /// returns those members. The others (no location yet, other cells, no such member) are left
    /// for <see cref="MoveAsync"/>. A member appears at most once in <paramref name="updates"/>.
    /// </summary>
    public async Task<IReadOnlySet<long>> UpdateInPlaceAsync(IReadOnlyCollection<LocationUpdate> updates, TimeSpan activityThrottle, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var matched = await connection.QueryAsync<long>(new CommandDefinition(UpdateInPlaceSql, new
        {
            batch = BatchJson(updates),
            throttleMicroseconds = Microseconds(activityThrottle),
        }, cancellationToken: cancellationToken));
        return matched.ToHashSet();
    }

    /// <summary>An update that changes the member's cells or is its first: moves its bucket slots. False when the member does not exist.</summary>
    public async Task<bool> MoveAsync(LocationUpdate update, TimeSpan activityThrottle, CancellationToken cancellationToken)
    {
        var (latitude, longitude) = CoarsePositions.Snap(update.Latitude, update.Longitude);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await new LocationMoves(connection).MoveAsync(update.MemberId, latitude, longitude, GeoGrid.CellsOf(latitude, longitude), cancellationToken))
            return false;
        await connection.ExecuteAsync(new CommandDefinition(TouchSql,
            new { memberId = update.MemberId, throttleMicroseconds = Microseconds(activityThrottle) }, cancellationToken: cancellationToken));
        return true;
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
