namespace Distance.Data.Locations;

/// <summary>
/// A grid of roughly square cells on the sphere, at a few levels of cell size. Latitude is cut
/// into bands of equal height; each band into as many equal columns as keep a cell about the
/// level's size wide at the band's edge nearest the equator. So cells stay about square from
/// the equator to the poles (where a band has a single column), and the antimeridian is just the
/// seam between the last and the first column of a band.
/// </summary>
public static class GeoGrid
{
    /// <summary>The radius <c>ST_Distance_Sphere</c> uses by default, so both agree on "distance".</summary>
    public const double EarthRadiusMeters = 6_370_986;

    /// <summary>Cell size of each level in meters, finest first. Every member is in one cell per level.</summary>
    public static readonly IReadOnlyList<double> LevelSizes = [500, 4_000, 16_000];

    public static int Levels => LevelSizes.Count;

    /// <summary>Up to this many cells a cover is cheap to look up; the finest level within it is used.</summary>
    public const int MaxCoverCells = 128;

    private const int ColumnBits = 24;
    private const double MetersPerDegree = EarthRadiusMeters * Math.PI / 180;

    public static long CellOf(int level, double latitude, double longitude)
    {
        var band = Band(level, latitude);
        return Cell(band, Column(level, band, longitude));
    }

    /// <summary>The cell of every level for a point, finest level first.</summary>
    public static long[] CellsOf(double latitude, double longitude)
    {
        var cells = new long[Levels];
        for (var level = 0; level < Levels; level++)
            cells[level] = CellOf(level, latitude, longitude);
        return cells;
    }

    /// <summary>
    /// The finest level whose cover of the circle has at most <see cref="MaxCoverCells"/> cells
    /// (the coarsest level otherwise), and that cover: every cell that may hold a point within
    /// <paramref name="radiusMeters"/> of the centre. A superset: callers still check the distance.
    /// </summary>
    public static (int Level, IReadOnlyList<long> Cells) Cover(double latitude, double longitude, double radiusMeters)
    {
        for (var level = 0; level < Levels - 1; level++)
        {
            var cells = Cover(level, latitude, longitude, radiusMeters, MaxCoverCells);
            if (cells is not null)
                return (level, cells);
        }
        return (Levels - 1, Cover(Levels - 1, latitude, longitude, radiusMeters, int.MaxValue)!);
    }

    /// <summary>The cover at one level, or null when it would exceed <paramref name="limit"/> cells.</summary>
    public static List<long>? Cover(int level, double latitude, double longitude, double radiusMeters, int limit)
    {
        // Half a meter of slack keeps rounding in the distance formula from escaping the cover.
        var angle = (radiusMeters + 0.5) / EarthRadiusMeters;
        var angleDegrees = angle * 180 / Math.PI;
        var south = latitude - angleDegrees;
        var north = latitude + angleDegrees;

        // A circle that reaches a pole spans every longitude. Otherwise each band needs the
        // circle's longitude span at the band's latitude nearest to where the circle is widest
        // (asin(sin(lat) / cos(angle))): the span only shrinks away from there.
        var reachesPole = south <= -90 || north >= 90;
        var centre = latitude * Math.PI / 180;
        var widest = reachesPole ? 0 : Math.Asin(Math.Clamp(Math.Sin(centre) / Math.Cos(angle), -1, 1)) * 180 / Math.PI;

        var cells = new List<long>();
        for (var band = Band(level, Math.Max(-90, south)); band <= Band(level, Math.Min(90, north)); band++)
        {
            var columns = Columns(level, band);
            var width = 360.0 / columns;
            var halfSpan = reachesPole ? 180 : HalfSpan(centre, angle, BandLatitudeNear(level, band, widest, south, north));
            var first = (long)Math.Floor((longitude - halfSpan + 180) / width);
            var last = (long)Math.Floor((longitude + halfSpan + 180) / width);
            if (halfSpan >= 180 || last - first + 1 >= columns)
                (first, last) = (0, columns - 1);
            if (cells.Count + (last - first + 1) > limit)
                return null;
            // Columns past either end wrap over the antimeridian.
            for (var column = first; column <= last; column++)
                cells.Add(Cell(band, (int)(((column % columns) + columns) % columns)));
        }
        return cells;
    }

    /// <summary>The latitude within the band and the circle's latitude range closest to <paramref name="target"/>.</summary>
    private static double BandLatitudeNear(int level, int band, double target, double south, double north)
    {
        var bandSouth = Math.Max(south, -90 + band * BandHeight(level));
        var bandNorth = Math.Min(north, -90 + (band + 1) * BandHeight(level));
        return Math.Clamp(target, Math.Min(bandSouth, bandNorth), bandNorth);
    }

    /// <summary>Half the longitude span, in degrees, of a circle of <paramref name="angle"/> radians at a latitude.</summary>
    private static double HalfSpan(double centre, double angle, double latitudeDegrees)
    {
        var latitude = latitudeDegrees * Math.PI / 180;
        var cosine = (Math.Cos(angle) - Math.Sin(latitude) * Math.Sin(centre)) / (Math.Cos(latitude) * Math.Cos(centre));
        // A hair of slack: acos is steep near the circle's northern and southern tips.
        return (cosine >= 1 ? 0 : cosine <= -1 ? 180 : Math.Acos(cosine) * 180 / Math.PI) + 1e-9;
    }

    /// <summary>Great-circle distance by the haversine formula, as <c>ST_Distance_Sphere</c> computes it.</summary>
    public static double DistanceMeters(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        const double toRadians = Math.PI / 180;
        var dLat = (latitude2 - latitude1) * toRadians;
        var dLon = (longitude2 - longitude1) * toRadians;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) +
                Math.Cos(latitude1 * toRadians) * Math.Cos(latitude2 * toRadians) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>Area of a cell of <paramref name="level"/> in square meters (nominal, for estimates only).</summary>
    public static double NominalCellArea(int level) => LevelSizes[level] * LevelSizes[level];

    private static long Cell(int band, int column) => ((long)band << ColumnBits) | (uint)column;

    private static double BandHeight(int level) => LevelSizes[level] / MetersPerDegree;

    private static int BandCount(int level) => (int)Math.Ceiling(180 / BandHeight(level));

    private static int Band(int level, double latitude) =>
        Math.Clamp((int)Math.Floor((latitude + 90) / BandHeight(level)), 0, BandCount(level) - 1);

    private static int Columns(int level, int band)
    {
        var height = BandHeight(level);
        var south = -90 + band * height;
        var north = Math.Min(90, south + height);
        var nearestEquator = south <= 0 && north >= 0 ? 0 : Math.Min(Math.Abs(south), Math.Abs(north));
        var circumference = 360 * Math.Cos(nearestEquator * Math.PI / 180) * MetersPerDegree;
        return Math.Clamp((int)Math.Floor(circumference / LevelSizes[level]), 1, 1 << ColumnBits);
    }

    private static int Column(int level, int band, double longitude)
    {
        var columns = Columns(level, band);
        var column = (int)Math.Floor((longitude + 180) / (360.0 / columns));
        return ((column % columns) + columns) % columns;
    }
}
