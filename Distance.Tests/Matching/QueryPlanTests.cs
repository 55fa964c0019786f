using Dapper;
using Distance.Data.Locations;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Matching;

/// <summary>
/// The matching statements must stay index lookups: with enough rows for the optimizer to care,
/// EXPLAIN shows which index each table is read through. Only the JSON_TABLE of the draws or
/// buckets (a handful of rows made by the caller) may be read whole.
/// </summary>
[Collection(nameof(MatchingPlanCollection))]
public sealed class QueryPlanTests(DistanceFixture fixture) : IAsyncLifetime
{
    private MySqlConnection connection = null!;

    public async Task InitializeAsync()
    {
        _ = fixture.NodeA.Server; // migrated
        connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await connection.OpenAsync().Within();
        if (await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM location_slots").Within() > 0)
            return;
        // 20,000 members in 2,000 buckets of 10: 10 cells per gender... enough to make a scan expensive.
        await connection.ExecuteAsync("""
            INSERT INTO members (id, phone, password_hash, gender, school_code, college, department, mbti, `character`, tags, hobbies, created_at, last_active_at)
            SELECT seq, CONCAT('019', LPAD(seq, 8, '0')), 'x', IF(seq % 2, 'male', 'female'), 'GACHON', 'c', 'd', 'INTJ', 'c', '[]', '[]', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
            FROM seq_1_to_20000;
            INSERT INTO location_buckets (school_code, gender, level, cell, id, womens_university, size)
            SELECT 'GACHON', IF(seq % 2, 'male', 'female'), 0, seq DIV 2, seq, FALSE, 10 FROM seq_1_to_2000;
            INSERT INTO location_slots (bucket_id, slot, member_id, level)
            SELECT (seq - 1) DIV 10 + 1, (seq - 1) MOD 10, seq, 0 FROM seq_1_to_20000;
            INSERT INTO member_locations (member_id, latitude, longitude, cell0, cell1, cell2, updated_at)
            SELECT seq, 37, 127, 0, 0, 0, UTC_TIMESTAMP(3) FROM seq_1_to_20000;
            INSERT INTO rooms (member_low, member_high, created_at, last_activity_at)
            SELECT seq, seq + 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) FROM seq_1_to_5000;
            INSERT INTO reports (reported_id, reporter_id, reason, created_at)
            SELECT seq, seq + 7, 'x', UTC_TIMESTAMP(3) FROM seq_1_to_5000;
            INSERT INTO blocks (blocker_id, blocked_id, created_at)
            SELECT seq, seq + 11, UTC_TIMESTAMP(3) FROM seq_1_to_5000;
            ANALYZE TABLE members, location_buckets, location_slots, member_locations, rooms, reports, blocks;
            """).Within(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await connection.DisposeAsync();

    [Fact]
    public async Task SameSchoolBucketsAreReadByPrimaryKey()
    {
        var (sql, parameters) = CoverOfNineBands(NearbyRepository.SchoolBucketsSql, new { school = "GACHON", gender = "female", level = 0 });
        var plan = await ExplainAsync(sql, parameters);

        AssertReads(plan, "b", "PRIMARY");
        Assert.Equal("range", plan.Single()["type"]);
        AssertNoScans(plan);
    }

    [Fact]
    public async Task OtherSchoolBucketsAreReadByThePoolIndex()
    {
        var (sql, parameters) = CoverOfNineBands(NearbyRepository.PoolBucketsSql, new { womens = false, gender = "female", level = 0 });
        var plan = await ExplainAsync(sql, parameters);

        AssertReads(plan, "b", "ix_location_buckets_pool");
        Assert.Equal("range", plan.Single()["type"]);
        AssertNoScans(plan);
    }

    [Fact]
    public async Task DrawnSlotsAndTheirChecksAreKeyLookups()
    {
        var draws = "[" + string.Join(",", Enumerable.Range(0, 12).Select(i => $"[{i * 37 + 1},{i % 10}]")) + "]";

        var plan = await ExplainAsync(NearbyRepository.DrawnCandidatesSql, new { me = 3, gender = "female", womens = false, draws });

        AssertReads(plan, "s", "PRIMARY");
        AssertReads(plan, "l", "PRIMARY");
        AssertReads(plan, "m", "PRIMARY");
        AssertReads(plan, "sc", "PRIMARY");
        AssertNoScans(plan);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(2, "SOGANG")]
    public async Task MembersDrawnFromTheCellIndexAreKeyLookups(int level, string? school)
    {
        var draws = "[" + string.Join(",", Enumerable.Range(0, 12).Select(i => i * 37 + 1)) + "]";

        var plan = await ExplainAsync(NearbyRepository.IndexedCandidatesSql(level), new { me = 3, gender = "female", womens = false, school, draws });

        AssertReads(plan, "l", "PRIMARY");
        AssertReads(plan, "m", "PRIMARY");
        AssertReads(plan, "sc", "PRIMARY");
        AssertNoScans(plan);
    }

    [Fact]
    public async Task TheCallerIsReadByPrimaryKeyWithItsExclusionsAlongside()
    {
        var plan = await ExplainAsync(NearbyRepository.CallerSql, new { me = 3 });

        AssertReads(plan, "m", "PRIMARY");
        AssertReads(plan, "s", "PRIMARY");
        AssertReads(plan, "l", "PRIMARY");
        Assert.Equal(ExclusionKeys, plan.Where(r => r["table"] is "rooms" or "reports" or "blocks").Select(r => $"{r["key"]}").Order());
        AssertNoScans(plan);
    }

    // Rooms by pair key and second-member index; blocks and reports (MeetingRules) by their keys
    // and their reverse-direction indexes.
    private static readonly string[] ExclusionKeys =
        ["ix_blocks_blocked", "ix_reports_reporter", "ix_rooms_member_high", "ix_rooms_pair", "PRIMARY", "PRIMARY"];

    [Fact]
    public async Task TheCallersRoomsBlocksAndReportsAreIndexRanges()
    {
        var plan = await ExplainAsync(NearbyRepository.ExclusionsSql, new { me = 3 });

        Assert.Equal(ExclusionKeys, plan.Select(r => $"{r["key"]}").Order());
        AssertNoScans(plan);
    }

    [Fact]
    public async Task ThePairRuleOfRoomsIsKeyLookupsAndTheSameRanges()
    {
        var plan = await ExplainAsync(Distance.Data.Safety.MeetingRules.PairSql, new { me = 3, other = 4 });

        AssertReads(plan, "me", "PRIMARY");
        AssertReads(plan, "m", "PRIMARY");
        AssertNoScans(plan);
    }

    [Fact]
    public async Task ReadingEveryMemberOfSomeBucketsUsesTheSlotKey()
    {
        var plan = await ExplainAsync(NearbyRepository.AllCandidatesSql, new { me = 3, gender = "female", womens = false, buckets = "[1,2,3,4]" });

        AssertReads(plan, "s", "PRIMARY");
        AssertReads(plan, "l", "PRIMARY");
        AssertNoScans(plan);
    }

    // 81 cells as a cover has them: nine runs of nine consecutive ids, as nine bands would give.
    private static (string Sql, DynamicParameters Parameters) CoverOfNineBands(Func<int, string> sql, object parameters)
    {
        var ranges = new CellRanges(Enumerable.Range(1, 9).SelectMany(band => Enumerable.Range(band * 100, 9)).Select(c => (long)c));
        return (sql(ranges.Count), ranges.ParametersWith(parameters));
    }

    private async Task<IReadOnlyList<IDictionary<string, object?>>> ExplainAsync(string sql, object parameters) =>
        (await connection.QueryAsync("EXPLAIN " + sql, parameters).Within()).Cast<IDictionary<string, object?>>().ToList();

    private static void AssertReads(IReadOnlyList<IDictionary<string, object?>> plan, string table, params string[] keys)
    {
        var rows = plan.Where(r => Equals(r["table"], table)).ToList();
        Assert.True(rows.Count > 0, $"{table} is not in the plan: {Describe(plan)}");
        Assert.All(rows, r => Assert.True(keys.Contains($"{r["key"]}"), $"{table} should be read through {string.Join(" or ", keys)}: {Describe(plan)}"));
    }

    // A derived table (<derivedN>) holds rows already read through the indexes of its own lines.
    private static void AssertNoScans(IReadOnlyList<IDictionary<string, object?>> plan)
    {
        var scans = plan.Where(r => Equals(r["type"], "ALL") && !$"{r["Extra"]}".Contains("Table function") && !$"{r["table"]}".StartsWith("<derived")).ToList();
        Assert.True(scans.Count == 0, $"full scans in the plan: {Describe(plan)}");
    }

    private static string Describe(IEnumerable<IDictionary<string, object?>> plan) =>
        string.Join(" | ", plan.Select(r => $"{r["table"]} {r["type"]} key={r["key"]} rows={r["rows"]} {r["Extra"]}"));
}

[CollectionDefinition(nameof(MatchingPlanCollection))]
public sealed class MatchingPlanCollection : ICollectionFixture<DistanceFixture>;
