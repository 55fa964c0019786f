using Distance.Data.Locations;

namespace Distance.Tests.Matching;

public sealed class GeoGridTests
{
    public static TheoryData<double, double, double> Circles => new()
    {
        { 37.55, 127.07, 1_000 },
        { 37.55, 127.07, 30_000 },
        { 0, 0, 250 },
        { 12, 179.999, 2_000 },      // straddles the antimeridian
        { -33, -179.99, 30_000 },
        { 89.99, 10, 5_000 },        // contains the north pole
        { -89.95, -100, 1_000 },     // near but not over the south pole
        { 90, 0, 30_000 },
        { 71.2, 25.8, 100 },
        { 60, -179.9999, 30_000 },
    };

    [Theory]
    [MemberData(nameof(Circles))]
    public void TheCoverHoldsTheCellOfEveryPointWithinTheRadius(double latitude, double longitude, double radius)
    {
        var (level, cells) = GeoGrid.Cover(latitude, longitude, radius);
        var cover = cells.ToHashSet();
        var random = new Random(42);

        for (var i = 0; i < 20_000; i++)
        {
            // Points spread over the disc and crowded at its rim, where a cover is most likely to fail.
            var distance = i % 2 == 0 ? radius * Math.Sqrt(random.NextDouble()) : radius * (1 - 1e-9 * random.NextDouble());
            var point = MatchingScene.Offset(new Point(latitude, longitude), distance, random.NextDouble() * 360);
            if (GeoGrid.DistanceMeters(latitude, longitude, point.Latitude, point.Longitude) > radius)
                continue;
            Assert.Contains(GeoGrid.CellOf(level, point.Latitude, point.Longitude), cover);
        }
    }

    [Fact]
    public void TheFinestLevelIsUsedWhileItsCoverStaysSmall()
    {
        Assert.Equal(0, GeoGrid.Cover(37.5, 127, 1_000).Level);
        Assert.True(GeoGrid.Cover(37.5, 127, 1_000).Cells.Count <= GeoGrid.MaxCoverCells);
        Assert.Equal(2, GeoGrid.Cover(37.5, 127, 30_000).Level);
        Assert.True(GeoGrid.Cover(89.9, 0, 30_000).Cells.Count <= 2 * GeoGrid.MaxCoverCells);
    }

    [Fact]
    public void DistancesAgreeWithMariaDbsSphere()
    {
        // ST_Distance_Sphere(POINT(127, 37.5), POINT(127.01, 37.51)) on MariaDB 10.11.
        Assert.Equal(1_419.3448, GeoGrid.DistanceMeters(37.5, 127, 37.51, 127.01), 0.001);
        Assert.Equal(0, GeoGrid.DistanceMeters(10, 20, 10, 20));
        Assert.Equal(Math.PI * GeoGrid.EarthRadiusMeters, GeoGrid.DistanceMeters(0, 0, 0, 180), 1e-6);
    }

    [Fact]
    public void TheSamplerHitsEverySlotOfEveryBucketAlike()
    {
        var sampler = new BucketSampler([new BucketSize(7, 3), new BucketSize(8, 0), new BucketSize(9, 5)]);
        var random = new Random(7);
        var counts = new Dictionary<SlotDraw, int>();
        for (var i = 0; i < 80_000; i++)
        {
            var draw = sampler.Draw(random);
            counts[draw] = counts.GetValueOrDefault(draw) + 1;
        }

        Assert.Equal(8, sampler.Total);
        Assert.Equal(8, counts.Count);
        Assert.All(counts, c => Assert.InRange(c.Value, 9_400, 10_600));
        Assert.DoesNotContain(counts.Keys, d => d.BucketId == 8);
        Assert.All(counts.Keys, d => Assert.InRange(d.Slot, 0, d.BucketId == 7 ? 2 : 4));
    }
}
