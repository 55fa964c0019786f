using Dapper;
using MySqlConnector;

namespace Distance.Load.Matching;

/// <summary>The seeded festival crowd (member ids 1..size) where it stands, its campus, and how many members the database holds.</summary>
public sealed record Crowd((double Latitude, double Longitude)[] Positions, (double Latitude, double Longitude) Campus, long Members)
{
    public static async Task<Crowd> ReadAsync(MySqlDataSource dataSource, int size)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(long Id, double Latitude, double Longitude)>(
            "SELECT member_id, latitude, longitude FROM member_locations WHERE member_id BETWEEN 1 AND @size ORDER BY member_id", new { size })).ToList();
        if (rows.Count != size || rows[^1].Id != size)
            throw new ArgumentException($"the database has no festival crowd of {size}: seed it first (`seed --festival` for {size / 2}, or `festival --seed`)");
        var campus = await connection.QuerySingleAsync<(double, double)>(
            "SELECT s.campus_latitude, s.campus_longitude FROM members m JOIN schools s ON s.code = m.school_code WHERE m.id = 1");
        var members = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM members");
        return new Crowd(rows.Select(r => (r.Latitude, r.Longitude)).ToArray(), campus, members);
    }
}
