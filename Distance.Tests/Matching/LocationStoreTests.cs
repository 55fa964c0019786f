using Dapper;
using Distance.Data.Locations;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Matching;

[Collection(nameof(MatchingCollection))]
public sealed class LocationStoreTests(DistanceFixture fixture)
{
    [Fact]
    public async Task BucketSlotsStayDenseWhileMembersMoveConcurrently()
    {
        var scene = new MatchingScene(fixture);
        var members = new List<TestMember>();
        for (var i = 0; i < 16; i++)
            members.Add(await scene.MemberAsync(Random.Shared.Next(0, 800), i % 2 == 0 ? "female" : "male", "HANYANG", Random.Shared.Next(360)));
        var locations = fixture.NodeA.Service<LocationRepository>();

        // Random walks over a few fine cells, all members at once, some of them twice at a time.
        await Task.WhenAll(members.Concat(members.Take(4)).Select(async member =>
        {
            for (var step = 0; step < 12; step++)
            {
                var point = scene.At(Random.Shared.Next(0, 900), Random.Shared.Next(360));
                Assert.True(await locations.UpdateAsync(member.Id, point.Latitude, point.Longitude, TimeSpan.FromMinutes(1), CancellationToken.None));
            }
        })).Within(TimeSpan.FromSeconds(60));
        await locations.RemoveAsync(members[0].Id, CancellationToken.None).Within();

        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        // Every bucket's slots are exactly 0..size-1, and each member sits in its own cells' buckets.
        var broken = await connection.QueryAsync<string>("""
            SELECT CONCAT(b.id, ': size ', b.size, ', slots ', COUNT(s.slot), ', max ', COALESCE(MAX(s.slot), -1))
            FROM location_buckets b LEFT JOIN location_slots s ON s.bucket_id = b.id
            WHERE b.school_code = 'HANYANG'
            GROUP BY b.id, b.size
            HAVING COUNT(s.slot) <> b.size OR COALESCE(MAX(s.slot), -1) <> b.size - 1
            """).Within();
        Assert.Empty(broken);
        var misplaced = await connection.QueryAsync<long>("""
            SELECT l.member_id FROM member_locations l
            JOIN location_slots s ON s.member_id = l.member_id
            JOIN location_buckets b ON b.id = s.bucket_id
            WHERE l.member_id IN @ids
            GROUP BY l.member_id
            HAVING COUNT(*) <> 3 OR SUM(b.cell = CASE s.level WHEN 0 THEN l.cell0 WHEN 1 THEN l.cell1 ELSE l.cell2 END) <> 3
            """, new { ids = members.Select(m => m.Id) }).Within();
        Assert.Empty(misplaced);
        Assert.Equal(members.Count - 1, await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM member_locations WHERE member_id IN @ids", new { ids = members.Select(m => m.Id) }).Within());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM location_slots WHERE member_id = @id", new { id = members[0].Id }).Within());
    }

    [Fact]
    public async Task ARemovedMemberIsNoLongerMatched()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var removed = await scene.MemberAsync(10);
        var staying = await scene.MemberAsync(20);

        await fixture.NodeA.Service<LocationRepository>().RemoveAsync(removed.Id, CancellationToken.None).Within();

        Assert.Equal([staying.Id], await scene.MatchIdsAsync(caller, "?count=20"));
    }

    [Fact]
    public async Task FrequentUpdatesWriteActivityAtMostOncePerInterval()
    {
        var scene = new MatchingScene(fixture);
        var member = await scene.MemberAsync(0);
        await scene.ExecuteAsync("UPDATE members SET last_active_at = '2020-01-01' WHERE id = @id", new { id = member.Id });
        var locations = fixture.NodeA.Service<LocationRepository>();
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);

        await locations.UpdateAsync(member.Id, scene.Center.Latitude, scene.Center.Longitude, TimeSpan.FromMinutes(1), CancellationToken.None).Within();
        var first = await connection.ExecuteScalarAsync<DateTime>("SELECT last_active_at FROM members WHERE id = @id", new { id = member.Id }).Within();
        await locations.UpdateAsync(member.Id, scene.Center.Latitude, scene.Center.Longitude, TimeSpan.FromMinutes(1), CancellationToken.None).Within();
        var second = await connection.ExecuteScalarAsync<DateTime>("SELECT last_active_at FROM members WHERE id = @id", new { id = member.Id }).Within();

        Assert.True(first > DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task AnUnknownMemberCannotStoreALocation()
    {
        var stored = await fixture.NodeA.Service<LocationRepository>().UpdateAsync(long.MaxValue - 7, 1, 1, TimeSpan.Zero, CancellationToken.None).Within();

        Assert.False(stored);
    }
}
