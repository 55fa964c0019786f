using Distance.Tests.Infrastructure;

namespace Distance.Tests.Matching;

/// <summary>Where members are: moves, the largest radius, the antimeridian and the poles; and the query's timing.</summary>
[Collection(nameof(MatchingCollection))]
public sealed class MatchingGeometryTests(DistanceFixture fixture)
{
    private const string All = "?count=20";

    [Fact]
    public async Task AMemberWhoMovesAwayLeavesTheOldNeighbourhood()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var mover = await scene.MemberAsync(100);

        await scene.PutLocationAsync(mover, scene.At(5_000));
        Assert.Empty(await scene.MatchIdsAsync(caller, All));
        Assert.Equal(Ids(mover), await scene.MatchIdsAsync(caller, All + "&radiusMeters=5300"));

        await scene.PutLocationAsync(mover, scene.At(300, 180));
        Assert.Equal(Ids(mover), await scene.MatchIdsAsync(caller, All));
    }

    [Fact]
    public async Task TheLargestRadiusReachesThirtyKilometres()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        // Coarse distances: each point may be ~71 m from its cell's centre.
        var far = await scene.MemberAsync(29_700, bearing: 135);
        await scene.MemberAsync(30_300, bearing: 315);

        Assert.Equal(Ids(far), await scene.MatchIdsAsync(caller, All + "&radiusMeters=30000"));
        Assert.Empty(await scene.MatchIdsAsync(caller, All + "&radiusMeters=29000"));
    }

    [Theory]
    [InlineData("KAIST", 10, 179.9995, 10, -179.9995)]      // across the antimeridian, ~110 m
    [InlineData("POSTECH", 89.9995, 0, 89.9995, 180)]       // across the north pole, ~111 m
    [InlineData("UNIST", -89.9999, 45, -89.9995, -135)]     // across the south pole, ~67 m
    [InlineData("DGIST", 90, 0, 89.999, 77)]                // at the pole itself
    public async Task MatchingWorksAcrossTheAntimeridianAndThePoles(string school, double latitude, double longitude, double otherLatitude, double otherLongitude)
    {
        // Each case has a school of its own: the poles are one place for every case.
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAtAsync(new Point(latitude, longitude), "male", school);
        var other = await scene.MemberAtAsync(new Point(otherLatitude, otherLongitude), "female", school);

        // Coarse distances: up to ~71 m per point on top of the true distance.
        Assert.Equal(Ids(other), await scene.MatchIdsAsync(caller, "?radiusMeters=500"));
        Assert.Equal(Ids(caller), await scene.MatchIdsAsync(other, "?radiusMeters=500"));
    }

    [Fact]
    public async Task MatchingQueriesAreTimedInTheMetrics()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        await scene.MatchesAsync(caller);

        var text = await scene.Client.GetStringAsync("/metrics").Within();

        // Millisecond buckets, and at least one query counted.
        Assert.Matches("distance_matching_query_duration_seconds_bucket\\{[^}]*le=\"0\\.001\"", text);
        Assert.Matches("distance_matching_query_duration_seconds_count(\\{[^}]*\\})? [1-9]", text);
    }

    private static List<long> Ids(params TestMember[] members) => members.Select(m => m.Id).Order().ToList();
}
