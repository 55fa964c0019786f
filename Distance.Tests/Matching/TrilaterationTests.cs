using Distance.Data.Locations;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Matching;

/// <summary>
/// Contract v2, coarse distances: no sequence of location updates and queries places a member more
/// precisely than its ~100 m cell. An attacker moves to many chosen positions and asks, at several
/// radii, whether the target is within reach and how far. The target is put, in turn, at places
/// spread over one cell: every answer must be the same for all of them, so the set of positions
/// consistent with the answers holds at least the whole cell. Moving the target to another cell
/// must change some answer (the test can tell positions apart when they differ by a cell).
/// </summary>
[Collection(nameof(MatchingCollection))]
public sealed class TrilaterationTests(DistanceFixture fixture)
{
    private static readonly int[] Radii = [100, 200, 300, 500, 800, 1_300];

    [Fact]
    public async Task TrilaterationAndRadiusSearchEndAtTheTargetsCell()
    {
        var scene = new MatchingScene(fixture);
        var attacker = await scene.MemberAsync(2_000, "male");
        var target = await scene.MemberAsync(0);
        var inCell = PlacesInOneCell(scene.Center, new Random(7));
        // The attacker's positions: rings at several distances, chosen to straddle cell edges.
        var probes = Enumerable.Range(0, 16).Select(i => scene.At(90 + 73 * i, 23 * i)).ToList();

        var answers = new List<string>();
        foreach (var place in inCell)
            answers.Add(await AnswersAsync(scene, attacker, target, place, probes));
        var elsewhere = await AnswersAsync(scene, attacker, target, MatchingScene.Offset(scene.Center, 250, 90), probes);

        Assert.Single(answers.Distinct());
        Assert.NotEqual(answers[0], elsewhere);
        // The places really do span the cell: the answers could have told them apart if they leaked.
        var spread = inCell.SelectMany(p => inCell.Select(q => GeoGrid.DistanceMeters(p.Latitude, p.Longitude, q.Latitude, q.Longitude))).Max();
        Assert.True(spread > 70, $"the places span only {spread:F0} m");
    }

    /// <summary>Every answer the attacker gets with the target at <paramref name="place"/>: the distance or "-" per probe and radius.</summary>
    private static async Task<string> AnswersAsync(MatchingScene scene, TestMember attacker, TestMember target, Point place, IReadOnlyList<Point> probes)
    {
        await scene.PutLocationAsync(target, place);
        var answers = new List<string>();
        foreach (var probe in probes)
        {
            await scene.PutLocationAsync(attacker, probe);
            foreach (var radius in Radii)
            {
                var found = (await scene.MatchesAsync(attacker, $"?radiusMeters={radius}&count=20")).SingleOrDefault(m => m.MemberId == target.Id);
                answers.Add(found is null ? "-" : found.DistanceMeters.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return string.Join(",", answers);
    }

    /// <summary>Places near the corners and the middle of the cell that holds <paramref name="near"/>.</summary>
    private static List<Point> PlacesInOneCell(Point near, Random random)
    {
        var cell = CoarsePositions.Snap(near.Latitude, near.Longitude);
        var places = new List<Point> { new(cell.Latitude, cell.Longitude) };
        foreach (var bearing in new[] { 45, 135, 225, 315 })
            for (var meters = 70.0; meters > 5; meters -= 5)
            {
                var point = MatchingScene.Offset(places[0], meters, bearing + random.NextDouble() * 10 - 5);
                if (CoarsePositions.Snap(point.Latitude, point.Longitude) == cell)
                {
                    places.Add(point);
                    break;
                }
            }
        Assert.Equal(5, places.Count);
        return places;
    }
}
