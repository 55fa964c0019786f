using Distance.Data.Locations;

namespace Distance.Tests.Matching;

public sealed class CellRangesTests
{
    [Theory]
    [MemberData(nameof(GeoGridTests.Circles), MemberType = typeof(GeoGridTests))]
    public void TheRangesHoldExactlyTheCellsOfTheCover(double latitude, double longitude, double radius)
    {
        var (_, cells) = GeoGrid.Cover(latitude, longitude, radius);

        var ranges = new CellRanges(cells);

        Assert.Equal(cells.Order(), Expand(ranges));
        Assert.True(ranges.Count <= cells.Count);
    }

    [Fact]
    public void ConsecutiveCellsBecomeOneRangeWhateverTheirOrderAndRepeats()
    {
        var ranges = new CellRanges([7, 3, 4, 5, 5, 9, 10, 1]);

        Assert.Equal(4, ranges.Count);
        Assert.Equal([1, 3, 4, 5, 7, 9, 10], Expand(ranges));
    }

    [Fact]
    public void ABandsColumnsAreOneRangeAndTheAntimeridianSplitsThem()
    {
        // A 1 km cover is a few bands of a few consecutive columns; at the antimeridian a band's
        // last and first columns are far apart as ids.
        Assert.InRange(new CellRanges(GeoGrid.Cover(37.55, 127.07, 1_000).Cells).Count, 3, 7);
        var (_, seam) = GeoGrid.Cover(12, 179.999, 2_000);
        Assert.True(new CellRanges(seam).Count > seam.Select(c => c >> 24).Distinct().Count());
    }

    [Fact]
    public void NoCellsMatchNothing() => Assert.Equal("FALSE", CellRanges.Condition("cell", new CellRanges([]).Count));

    private static List<long> Expand(CellRanges ranges)
    {
        var bounds = ranges.Bounds().ToDictionary(b => b.Name, b => b.Value);
        return Enumerable.Range(0, ranges.Count)
            .SelectMany(i => Enumerable.Range(0, (int)(bounds[$"last{i}"] - bounds[$"first{i}"] + 1)).Select(k => bounds[$"first{i}"] + k))
            .ToList();
    }
}
