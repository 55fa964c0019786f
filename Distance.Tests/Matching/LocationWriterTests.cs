using Dapper;
using Distance.Data.Locations;
using Distance.Realtime.Matching;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Distance.Tests.Matching;

/// <summary>Location updates coalesced into multi-row writes (issue 20): an answered update is stored; a failed batch fails every request in it.</summary>
[Collection(nameof(MatchingCollection))]
public sealed class LocationWriterTests(DistanceFixture fixture)
{
    [Fact]
    public async Task EveryAnsweredUpdateOfABatchIsStored()
    {
        var scene = new MatchingScene(fixture);
        var members = new List<TestMember>();
        for (var i = 0; i < 12; i++)
            members.Add(await scene.MemberAsync(i * 40));
        var newcomer = await fixture.CreateMemberAsync("male", "GACHON").Within();
        // A long linger puts every update below into one batch: moves within cells, moves across
        // cells (300 m on), a member's first location, and a member that does not exist.
        var writer = Writer(fixture.NodeA.Service<LocationRepository>(), TimeSpan.FromMilliseconds(200));
        var targets = members.Select((m, i) => (m.Id, Point: scene.At(i * 40 + (i % 2 == 0 ? 5 : 300), 90))).Append((newcomer.Id, Point: scene.At(0))).ToList();

        var stored = await Task.WhenAll(targets.Select(t => writer.UpdateAsync(t.Id, t.Point.Latitude, t.Point.Longitude, CancellationToken.None))).Within();
        var unknown = await writer.UpdateAsync(long.MaxValue - 11, scene.Center.Latitude, scene.Center.Longitude, CancellationToken.None).Within();

        Assert.All(stored, Assert.True);
        Assert.False(unknown);
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        foreach (var (id, point) in targets)
        {
            var row = await connection.QuerySingleAsync<(double Latitude, double Longitude, long Cell0)>(
                "SELECT latitude, longitude, cell0 FROM member_locations WHERE member_id = @id", new { id }).Within();
            var expected = CoarsePositions.Snap(point.Latitude, point.Longitude);
            Assert.Equal(expected, (row.Latitude, row.Longitude));
            Assert.Equal(GeoGrid.CellsOf(expected.Latitude, expected.Longitude)[0], row.Cell0);
        }
    }

    [Fact]
    public async Task TheLaterOfTwoUpdatesOfOneMemberInABatchWins()
    {
        var scene = new MatchingScene(fixture);
        var member = await scene.MemberAsync(0);
        var writer = Writer(fixture.NodeA.Service<LocationRepository>(), TimeSpan.FromMilliseconds(200));
        var first = scene.At(150, 0);
        var second = scene.At(150, 180);

        var answers = await Task.WhenAll(
            writer.UpdateAsync(member.Id, first.Latitude, first.Longitude, CancellationToken.None),
            writer.UpdateAsync(member.Id, second.Latitude, second.Longitude, CancellationToken.None)).Within();

        Assert.Equal([true, true], answers);
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        var row = await connection.QuerySingleAsync<(double Latitude, double Longitude)>(
            "SELECT latitude, longitude FROM member_locations WHERE member_id = @id", new { id = member.Id }).Within();
        Assert.Equal(CoarsePositions.Snap(second.Latitude, second.Longitude), row);
    }

    [Fact]
    public async Task AFailedBatchFailsEveryRequestInIt()
    {
        // The real MariaDB, asked for a database that does not exist: the batch's statement fails.
        var broken = new MySqlConnectionStringBuilder(fixture.Settings["Database:ConnectionString"]!) { Database = "distance_no_such_database" };
        await using var dataSource = new MySqlDataSource(broken.ConnectionString);
        var writer = Writer(new LocationRepository(dataSource), TimeSpan.FromMilliseconds(200));

        var requests = Enumerable.Range(1, 5).Select(i => writer.UpdateAsync(i, 37.5, 127.0, CancellationToken.None)).ToList();
        await Task.WhenAny(Task.WhenAll(requests), Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.All(requests, r => Assert.IsType<MySqlException>(r.Exception?.InnerException));
        // The writer is not stuck after a failure: the next request is written (and fails the same way).
        await Assert.ThrowsAsync<MySqlException>(() => writer.UpdateAsync(6, 37.5, 127.0, CancellationToken.None).Within());
    }

    private LocationWriter Writer(LocationRepository locations, TimeSpan linger) =>
        new(locations, fixture.NodeA.Service<CellIndex>(), Options.Create(new MatchingOptions { LocationBatchLinger = linger }), NullLogger<LocationWriter>.Instance);
}
