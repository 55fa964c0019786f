using Distance.Data.Locations;
using Distance.Realtime.Matching;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Distance.Tests.Matching;

/// <summary>
/// The cell index in Redis (issue 20): draws that never read a whole cell, moves that follow the
/// member, stale entries that are rejected and removed, and the rebuild from MariaDB.
/// </summary>
[Collection(nameof(MatchingCollection))]
public sealed class CellIndexTests(DistanceFixture fixture) : IAsyncLifetime
{
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync()
    {
        redis = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConnection);
        // The node's builder marks the index built shortly after it starts.
        _ = fixture.NodeA;
        await Eventually.UntilAsync(() => Keys.KeyExistsAsync(CellIndex.BuiltKey), TimeSpan.FromSeconds(30), "the index was never built");
    }

    public async Task DisposeAsync() => await redis.DisposeAsync();

    private IDatabase Keys => redis.GetDatabase().WithKeyPrefix(fixture.KeyPrefix);

    [Fact]
    public async Task ADrawFromALargeCellNeverReadsTheWholeCell()
    {
        // A Redis user that may run the draw but no command that reads a whole set: the script
        // fails with NOPERM (and the index answers null) the moment it tries.
        var user = "draw" + Guid.NewGuid().ToString("N")[..12];
        var password = Guid.NewGuid().ToString("N");
        var server = redis.GetServers()[0];
        await server.ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all",
            "-smembers", "-sscan", "-sunion", "-sinter", "-sdiff", "-sintercard", "-sort", "-keys", "-scan");
        try
        {
            var options = ConfigurationOptions.Parse(TestServices.RedisConnection);
            (options.User, options.Password) = (user, password);
            await using var restricted = await ConnectionMultiplexer.ConnectAsync(options);
            var prefix = fixture.KeyPrefix + "scan-test:";
            var database = restricted.GetDatabase().WithKeyPrefix(prefix);
            var index = new CellIndex(database, Options.Create(new MatchingOptions()), NullLogger<CellIndex>.Instance);
            var pool = new CellPool("SOGANG", "female", false);
            const long cell = 7;
            var members = Enumerable.Range(1, 20_000).Select(i => (RedisValue)i).ToArray();
            await Keys.StringSetAsync("scan-test:" + CellIndex.BuiltKey, "now");
            await redis.GetDatabase().WithKeyPrefix(prefix).SetAddAsync(CellIndex.PoolKey(pool, 0, cell), members);

            var draw = await index.DrawAsync(pool, 0, [cell, cell + 1], 12, 24, CancellationToken.None).Within();
            var everyone = await index.DrawAsync(pool, 0, [cell, cell + 1], 0, long.MaxValue, CancellationToken.None).Within();

            Assert.NotNull(draw);
            Assert.Equal(20_000, draw.Total);
            Assert.False(draw.Everyone);
            Assert.Equal(12, draw.Members.Count);
            Assert.All(draw.Members, m => Assert.InRange(m.MemberId, 1, 20_000));
            Assert.All(draw.Members, m => Assert.Equal(cell, m.Cell));
            // The same user reading everyone is refused: the restriction is what kept the draw honest.
            Assert.Null(everyone);
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
            foreach (var key in await TestServices.KeysAsync(server, fixture.KeyPrefix + "scan-test:*"))
                await redis.GetDatabase().KeyDeleteAsync(key);
        }
    }

    [Fact]
    public async Task AMoveTakesTheMemberOutOfTheOldCellsAndIntoTheNew()
    {
        var scene = new MatchingScene(fixture);
        var member = await scene.MemberAsync(0, "female", "SOGANG");
        var before = Cells(scene.At(0));
        Assert.True(await Keys.SetContainsAsync(SchoolKey("SOGANG", 0, before[0]), member.Id));

        await scene.PutLocationAsync(member, scene.At(3_000, 90));

        var after = Cells(scene.At(3_000, 90));
        Assert.False(await Keys.SetContainsAsync(SchoolKey("SOGANG", 0, before[0]), member.Id));
        Assert.True(await Keys.SetContainsAsync(SchoolKey("SOGANG", 0, after[0]), member.Id));
        Assert.True(await Keys.SetContainsAsync(CellIndex.PoolKey(new CellPool(null, "female", false), 0, after[0]), member.Id));
    }

    [Fact]
    public async Task AStaleEntryIsNeverMatchedAndIsRemovedByTheDrawThatFindsIt()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male", "SOGANG");
        var near = await scene.MemberAsync(100, "female", "SOGANG");
        var far = await scene.MemberAsync(5_000, "female", "SOGANG");
        // As if a lost write had left the far member in the caller's cell.
        var staleKey = SchoolKey("SOGANG", 0, Cells(scene.At(0))[0]);
        await Keys.SetAddAsync(staleKey, far.Id);

        var matches = await scene.MatchIdsAsync(caller);

        Assert.Equal([near.Id], matches);
        Assert.False(await Keys.SetContainsAsync(staleKey, far.Id));
        Assert.True(await Keys.SetContainsAsync(SchoolKey("SOGANG", 0, Cells(scene.At(5_000))[0]), far.Id));
    }

    [Fact]
    public async Task WithoutItsMarkerTheIndexIsRebuiltFromMariaDbAndMatchingGoesOnMeanwhile()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male", "SOGANG");
        var near = await scene.MemberAsync(100, "female", "SOGANG");
        var key = SchoolKey("SOGANG", 0, Cells(scene.At(100))[0]);
        // As if Redis had lost everything: no marker, no entry.
        await Keys.KeyDeleteAsync(CellIndex.BuiltKey);
        await Keys.SetRemoveAsync(key, near.Id);

        // MariaDB's buckets answer until the index is back.
        Assert.Equal([near.Id], await scene.MatchIdsAsync(caller));
        await Eventually.UntilAsync(() => Keys.KeyExistsAsync(CellIndex.BuiltKey), TimeSpan.FromSeconds(30), "the index was not rebuilt");

        Assert.True(await Keys.SetContainsAsync(key, near.Id));
        Assert.Equal([near.Id], await scene.MatchIdsAsync(caller));
    }

    private static long[] Cells(Point point)
    {
        var (latitude, longitude) = CoarsePositions.Snap(point.Latitude, point.Longitude);
        return GeoGrid.CellsOf(latitude, longitude);
    }

    private static RedisKey SchoolKey(string school, int level, long cell) => CellIndex.PoolKey(new CellPool(school, "female", false), level, cell);
}
