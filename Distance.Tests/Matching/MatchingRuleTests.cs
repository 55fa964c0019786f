using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Matching;

[Collection(nameof(MatchingCollection))]
public sealed class MatchingRuleTests(DistanceFixture fixture)
{
    private const string All = "?count=20";

    [Fact]
    public async Task AMemberWithoutALocationGetsLocationUnknown()
    {
        var scene = new MatchingScene(fixture);
        var caller = await fixture.CreateMemberAsync().Within();

        var response = await scene.SendAsync(caller, HttpMethod.Get, "/api/matches");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal("location_unknown", body.GetProperty("code").GetString());
    }

    // v2: distances are between ~100 m cells (CoarsePositions), so a point can be up to ~71 m from
    // what decides; members are placed well clear of each boundary the test draws.
    [Fact]
    public async Task MatchesLieWithinTheRadiusInCoarseDistancesOfAtLeastOneHundredMetres()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var samePoint = await scene.MemberAsync(0);
        var inside = await scene.MemberAsync(700, bearing: 40);
        var outside = await scene.MemberAsync(1_300, bearing: 220);

        Assert.Equal(Ids(samePoint, inside), await scene.MatchIdsAsync(caller, All));
        var found = await scene.MatchesAsync(caller, All);
        Assert.Equal(100, found.Single(f => f.MemberId == samePoint.Id).DistanceMeters);
        Assert.InRange(found.Single(f => f.MemberId == inside.Id).DistanceMeters, 600, 900);
        Assert.All(found, f => Assert.Equal(0, f.DistanceMeters % 100));
        Assert.DoesNotContain(found, f => f.MemberId == outside.Id);
        // No answer is nearer than 100 m, so a smaller radius finds nobody.
        Assert.Empty(await scene.MatchIdsAsync(caller, All + "&radiusMeters=99"));
        Assert.Equal(Ids(samePoint), await scene.MatchIdsAsync(caller, All + "&radiusMeters=100"));
    }

    [Fact]
    public async Task ByDefaultOnlyTheOtherGenderOfTheSameSchoolIsMatched()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male", "GACHON");
        var sameSchoolWoman = await scene.MemberAsync(100, "female", "GACHON");
        await scene.MemberAsync(100, "male", "GACHON", bearing: 90);
        var otherSchoolWoman = await scene.MemberAsync(100, "female", "KONKUK", bearing: 180);
        await scene.MemberAsync(100, "male", "KONKUK", bearing: 200);
        await scene.MemberAsync(100, "female", "EWHA", bearing: 270);

        Assert.Equal(Ids(sameSchoolWoman), await scene.MatchIdsAsync(caller, All));
        Assert.Equal(Ids(sameSchoolWoman), await scene.MatchIdsAsync(caller, All + "&otherSchools=false"));
        // A women's-university member is matched with her own gender only, so she is not shown to him either.
        Assert.Equal(Ids(sameSchoolWoman, otherSchoolWoman), await scene.MatchIdsAsync(caller, All + "&otherSchools=true"));
    }

    [Fact]
    public async Task AWomensUniversityMemberIsMatchedWithHerOwnGender()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "female", "EWHA");
        var sameSchoolWoman = await scene.MemberAsync(300, "female", "EWHA");
        await scene.MemberAsync(300, "male", "EWHA", bearing: 90);
        var otherWomensUniversityWoman = await scene.MemberAsync(300, "female", "SOOK", bearing: 180);
        await scene.MemberAsync(300, "female", "GACHON", bearing: 270);
        await scene.MemberAsync(300, "male", "GACHON", bearing: 300);

        Assert.Equal(Ids(sameSchoolWoman), await scene.MatchIdsAsync(caller, All));
        Assert.Equal(Ids(sameSchoolWoman, otherWomensUniversityWoman), await scene.MatchIdsAsync(caller, All + "&otherSchools=true"));
    }

    [Fact]
    public async Task TheCallerIsNeverTheirOwnMatch()
    {
        var scene = new MatchingScene(fixture);
        // Same gender and school: the caller sits in the very buckets that are searched.
        var caller = await scene.MemberAsync(0, "female", "SWU");

        Assert.Empty(await scene.MatchIdsAsync(caller, All));
        Assert.Empty(await scene.MatchIdsAsync(caller, All + "&otherSchools=true&radiusMeters=30000"));
    }

    [Fact]
    public async Task MembersWhoShareARoomWithTheCallerAreNotMatched()
    {
        var scene = new MatchingScene(fixture);
        var before = await scene.MemberAsync(10);
        var caller = await scene.MemberAsync(0, "male");
        var after = await scene.MemberAsync(20);
        var stranger = await scene.MemberAsync(30);
        // Rooms store the pair in ascending id order; one room is active, the other inactive.
        await scene.ExecuteAsync("""
            INSERT INTO rooms (member_low, member_high, status, created_at, last_activity_at)
            VALUES (@a, @c, 'active', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)), (@c, @b, 'inactive', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
            """, new { a = before.Id, b = after.Id, c = caller.Id });

        Assert.Equal(Ids(stranger), await scene.MatchIdsAsync(caller, All));
    }

    [Fact]
    public async Task AReportInEitherDirectionKeepsTwoMembersApart()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var reportedByCaller = await scene.MemberAsync(10);
        var reporterOfCaller = await scene.MemberAsync(20);
        var stranger = await scene.MemberAsync(30);
        await scene.ExecuteAsync("""
            INSERT INTO reports (reported_id, reporter_id, reason, created_at)
            VALUES (@r1, @c, 'test', UTC_TIMESTAMP(3)), (@c, @r2, 'test', UTC_TIMESTAMP(3))
            """, new { c = caller.Id, r1 = reportedByCaller.Id, r2 = reporterOfCaller.Id });

        Assert.Equal(Ids(stranger), await scene.MatchIdsAsync(caller, All));
        Assert.Empty(await scene.MatchIdsAsync(reportedByCaller, All));
        Assert.Empty(await scene.MatchIdsAsync(reporterOfCaller, All));
    }

    [Fact]
    public async Task ExclusionsBeyondWhatOneListCanCarryStillKeepMembersApart()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var reportedByCaller = await scene.MemberAsync(10);
        var stranger = await scene.MemberAsync(20);
        // 150,000 reports against the caller (from ids no member has) come before the caller's own
        // report in the exclusion list and push it past group_concat_max_len.
        const int reporters = 150_000;
        var limit = await scene.ScalarAsync<long>("SELECT @@group_concat_max_len");
        Assert.True(limit < reporters * 14L, $"group_concat_max_len {limit} would hold the whole list; the test needs more reports");
        await scene.ExecuteAsync($"""
            INSERT INTO reports (reported_id, reporter_id, reason, created_at)
            SELECT @c, 9000000000000 + seq, 'test', UTC_TIMESTAMP(3) FROM seq_1_to_{reporters};
            INSERT INTO reports (reported_id, reporter_id, reason, created_at) VALUES (@r, @c, 'test', UTC_TIMESTAMP(3));
            """, new { c = caller.Id, r = reportedByCaller.Id }, TimeSpan.FromSeconds(90));
        try
        {
            Assert.Equal(Ids(stranger), await scene.MatchIdsAsync(caller, All));
        }
        finally
        {
            await scene.ExecuteAsync("DELETE FROM reports WHERE reported_id = @c", new { c = caller.Id }, TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task DeactivatedMembersAreNotMatched()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var deactivated = await scene.MemberAsync(10);
        var active = await scene.MemberAsync(20);
        await scene.ExecuteAsync("UPDATE members SET deactivated_at = UTC_TIMESTAMP(3) WHERE id = @id", new { id = deactivated.Id });

        Assert.Equal(Ids(active), await scene.MatchIdsAsync(caller, All));
    }

    [Fact]
    public async Task MembersInactiveForSevenDaysAreNotMatchedUntilTheyAreActiveAgain()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var stale = await scene.MemberAsync(10);
        var staleMover = await scene.MemberAsync(20, bearing: 90);
        var recent = await scene.MemberAsync(30);
        await scene.ExecuteAsync("""
            UPDATE members SET last_active_at = UTC_TIMESTAMP(3) - INTERVAL 7 DAY - INTERVAL 1 MINUTE WHERE id IN (@stale, @staleMover);
            UPDATE members SET last_active_at = UTC_TIMESTAMP(3) - INTERVAL 6 DAY - INTERVAL 23 HOUR WHERE id = @recent;
            """, new { stale = stale.Id, staleMover = staleMover.Id, recent = recent.Id });

        Assert.Equal(Ids(recent), await scene.MatchIdsAsync(caller, All));

        // A location update counts as activity, whether it stays in the member's cells or not.
        await scene.PutLocationAsync(stale, scene.At(10));
        await scene.PutLocationAsync(staleMover, scene.At(700, 180));
        Assert.Equal(Ids(stale, staleMover, recent), await scene.MatchIdsAsync(caller, All));
    }

    [Fact]
    public async Task CountLimitsTheMatchesAndFewerQualifyingMembersAreAllReturned()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var women = new List<TestMember>();
        for (var i = 0; i < 6; i++)
            women.Add(await scene.MemberAsync(50 + 10 * i, bearing: 60 * i));

        Assert.Equal(4, (await scene.MatchesAsync(caller)).Count);
        var two = await scene.MatchesAsync(caller, "?count=2");
        Assert.Equal(2, two.Select(f => f.MemberId).Distinct().Count());
        Assert.Equal(Ids([.. women]), await scene.MatchIdsAsync(caller, All));
    }

    private static List<long> Ids(params TestMember[] members) => members.Select(m => m.Id).Order().ToList();
}
