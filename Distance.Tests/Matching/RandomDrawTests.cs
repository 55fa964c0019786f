using Distance.Data.Database;
using Distance.Data.Locations;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Matching;

[Collection(nameof(MatchingCollection))]
public sealed class RandomDrawTests(DistanceFixture fixture)
{
    [Fact]
    public async Task RepeatedDrawsCoverEveryQualifyingMemberOfASmallCrowd()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male", "SOGANG");
        var women = new HashSet<long>();
        for (var i = 0; i < 9; i++)
            women.Add((await scene.MemberAsync(100 + 50 * i, "female", "SOGANG", 40 * i)).Id);

        var seen = new HashSet<long>();
        for (var i = 0; i < 40 && !seen.SetEquals(women); i++)
            seen.UnionWith((await scene.MatchesAsync(caller)).Select(f => f.MemberId));

        Assert.Equal(women.Order(), seen.Order());
    }

    // From the cell index in Redis (the node's), and from MariaDB's buckets (a repository without the index).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DrawsFromALargerCrowdAreUniformAndIgnoreMembersWhoDoNotQualify(bool cellIndex)
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male", "CAU");
        var qualifying = new List<long>();
        for (var i = 0; i < 60; i++)
            qualifying.Add((await scene.MemberAsync(Random.Shared.Next(1, 750), "female", "CAU", Random.Shared.Next(360))).Id);
        // In the same buckets but not qualifying: stale, or inside the cover yet beyond the radius
        // (clear of it by more than the ~142 m that two snapped points can add).
        for (var i = 0; i < 20; i++)
        {
            var stale = await scene.MemberAsync(Random.Shared.Next(1, 750), "female", "CAU", Random.Shared.Next(360));
            await scene.ExecuteAsync("UPDATE members SET last_active_at = '2020-01-01' WHERE id = @id", new { id = stale.Id });
            await scene.MemberAsync(1_200, "female", "CAU", Random.Shared.Next(360));
        }
        await using var dataSource = new MySqlDataSource(fixture.Settings["Database:ConnectionString"]!);
        var nearby = cellIndex ? fixture.NodeA.Service<NearbyRepository>() : new NearbyRepository(dataSource, ReadRouting.PrimaryOnly(dataSource));

        const int draws = 300;
        var picks = qualifying.ToDictionary(id => id, _ => 0);
        for (var i = 0; i < draws; i++)
        {
            var found = await nearby.FindAsync(new NearbyQuery(caller.Id, 1000, 4, false), CancellationToken.None).Within();
            Assert.NotNull(found);
            Assert.Equal(4, found.Select(f => f.Profile.MemberId).Distinct().Count());
            foreach (var member in found)
                picks[member.Profile.MemberId]++; // throws for anyone who does not qualify
        }

        // Each member is expected 300 * 4 / 60 = 20 times (binomial, sd ~4.3). Every count within
        // 4..45 fails by chance with probability below 1e-5; "the nearest" or "the first found"
        // would leave most members at 0.
        Assert.All(picks.Values, count => Assert.InRange(count, 4, 45));
    }
}
