using Dapper;
using MySqlConnector;

namespace Distance.Load.Matching;

/// <summary>
/// The comparison: the same rules as GET /api/matches in one query that computes the distance
/// to every member (a full scan, as the predecessor effectively did) and orders by RAND().
/// </summary>
public sealed class NaiveBaseline(MySqlDataSource dataSource, int crowd, int radiusMeters, int count)
{
    private sealed record Caller(string Gender, string SchoolCode, bool WomensUniversity, double Latitude, double Longitude);

    private const string CallerSql = """
        SELECT m.gender AS Gender, m.school_code AS SchoolCode, s.womens_university AS WomensUniversity,
               l.latitude AS Latitude, l.longitude AS Longitude
        FROM members m JOIN schools s ON s.code = m.school_code JOIN member_locations l ON l.member_id = m.id
        WHERE m.id = @me
        """;

    private const string ScanSql = """
        SELECT l.member_id
        FROM member_locations l JOIN members m ON m.id = l.member_id
        WHERE l.member_id <> @me AND m.school_code = @school AND m.gender = @gender
          AND m.deactivated_at IS NULL AND m.last_active_at >= UTC_TIMESTAMP(3) - INTERVAL 7 DAY
          AND ST_Distance_Sphere(POINT(l.longitude, l.latitude), POINT(@longitude, @latitude)) > 0
          AND ST_Distance_Sphere(POINT(l.longitude, l.latitude), POINT(@longitude, @latitude)) <= @radius
          AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.member_low = LEAST(@me, l.member_id) AND r.member_high = GREATEST(@me, l.member_id))
          AND NOT EXISTS (SELECT 1 FROM reports p WHERE p.reported_id = l.member_id AND p.reporter_id = @me)
          AND NOT EXISTS (SELECT 1 FROM reports p WHERE p.reported_id = @me AND p.reporter_id = l.member_id)
        ORDER BY RAND()
        LIMIT @count
        """;

    public async Task<bool> QueryAsync(CancellationToken cancellationToken)
    {
        var me = Random.Shared.Next(crowd) + 1;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var caller = await connection.QuerySingleAsync<Caller>(new CommandDefinition(CallerSql, new { me }, cancellationToken: cancellationToken));
        var gender = caller.WomensUniversity ? caller.Gender : caller.Gender == "male" ? "female" : "male";
        var found = await connection.QueryAsync<long>(new CommandDefinition(ScanSql, new
        {
            me, school = caller.SchoolCode, gender, caller.Latitude, caller.Longitude, radius = radiusMeters, count,
        }, commandTimeout: 120, cancellationToken: cancellationToken));
        return found.Any();
    }
}
