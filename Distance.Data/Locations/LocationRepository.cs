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
    // ROW_COUNT tells whether the member was already in these cells. Activity is written at most
    // once per throttle interval, so frequent updates do not rewrite the wide members row.
    private const string UpdateInPlaceSql = """
        UPDATE member_locations SET latitude = @latitude, longitude = @longitude, updated_at = UTC_TIMESTAMP(3)
        WHERE member_id = @memberId AND cell0 = @cell0 AND cell1 = @cell1 AND cell2 = @cell2;
        SELECT ROW_COUNT();
        UPDATE members SET last_active_at = UTC_TIMESTAMP(3)
        WHERE id = @memberId AND last_active_at < UTC_TIMESTAMP(3) - INTERVAL @throttleMilliseconds * 1000 MICROSECOND;
        """;

    /// <summary>
    /// Records the member's location and activity. Returns false when the member does not exist.
    /// </summary>
    public async Task<bool> UpdateAsync(long memberId, double latitude, double longitude, TimeSpan activityThrottle, CancellationToken cancellationToken)
    {
        var cells = GeoGrid.CellsOf(latitude, longitude);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var updated = await connection.ExecuteScalarAsync<long>(new CommandDefinition(UpdateInPlaceSql, new
        {
            memberId, latitude, longitude, cell0 = cells[0], cell1 = cells[1], cell2 = cells[2],
            throttleMilliseconds = (long)activityThrottle.TotalMilliseconds,
        }, cancellationToken: cancellationToken));
        if (updated > 0)
            return true;
        return await new LocationMoves(connection).MoveAsync(memberId, latitude, longitude, cells, cancellationToken);
    }

    /// <summary>Takes the member out of matching (e.g. when the account is deleted).</summary>
    public async Task RemoveAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new LocationMoves(connection).RemoveAsync(memberId, cancellationToken);
    }
}
