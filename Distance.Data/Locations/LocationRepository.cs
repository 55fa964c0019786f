using Dapper;
using MySqlConnector;

namespace Distance.Data.Locations;

/// <summary>
/// Stores members' last locations. An update that stays in the member's grid cells is a single
/// UPDATE of one row (the common case when a client reports every few seconds); one that changes
/// cells moves the member's slots between buckets (<see cref="LocationMoves"/>).
/// </summary>
public sealed class LocationRepository(MySqlDataSource dataSource)
{
    // One statement for the common case: the point moves within the member's cells, and activity
    // is refreshed at most once per throttle interval (an unchanged members row is not written).
    // No row matches when the member has no location yet or changes cells.
    private const string UpdateInPlaceSql = """
        UPDATE member_locations l JOIN members m ON m.id = l.member_id
        SET l.latitude = @latitude, l.longitude = @longitude, l.updated_at = UTC_TIMESTAMP(3),
            m.last_active_at = IF(m.last_active_at < UTC_TIMESTAMP(3) - INTERVAL @throttleMicroseconds MICROSECOND,
                                  UTC_TIMESTAMP(3), m.last_active_at)
        WHERE l.member_id = @memberId AND l.cell0 = @cell0 AND l.cell1 = @cell1 AND l.cell2 = @cell2
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
        var (latitude, longitude) = CoarsePositions.Snap(exactLatitude, exactLongitude);
        var cells = GeoGrid.CellsOf(latitude, longitude);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new
        {
            memberId, latitude, longitude, cell0 = cells[0], cell1 = cells[1], cell2 = cells[2],
            throttleMicroseconds = (long)(activityThrottle.TotalMilliseconds * 1000),
        };
        var matched = await connection.ExecuteAsync(new CommandDefinition(UpdateInPlaceSql, parameters, cancellationToken: cancellationToken));
        if (matched > 0)
            return true;
        if (!await new LocationMoves(connection).MoveAsync(memberId, latitude, longitude, cells, cancellationToken))
            return false;
        await connection.ExecuteAsync(new CommandDefinition(TouchSql, parameters, cancellationToken: cancellationToken));
        return true;
    }

    /// <summary>Takes the member out of matching (e.g. when the account is deleted).</summary>
    public async Task RemoveAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new LocationMoves(connection).RemoveAsync(memberId, cancellationToken);
    }
}
