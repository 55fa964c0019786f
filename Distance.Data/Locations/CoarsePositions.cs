namespace Distance.Data.Locations;

/// <summary>
/// Positions as matching may use them (contract v2, coarse distances): every point is replaced by
/// the centre of its cell in a grid of about 100 m, and a distance is rounded up to a multiple of
/// 100 m, at least 100. Every answer that depends on where a member is (who is within a radius,
/// how far) is then a function of the member's cell alone, so no sequence of moves and queries
/// can place a member more precisely than its cell: trilateration and a binary search on the
/// radius both end at the cell.
/// The grid is built like <see cref="GeoGrid"/>'s: bands of equal height, each cut into as many
/// equal columns as keep a cell at least <see cref="CellMeters"/> wide at its edge nearest the
/// equator. Snapping is a few floating-point operations: no lookup, no change to any index.
/// </summary>
public static class CoarsePositions
{
    public const double CellMeters = 100;

    /// <summary>How far a point can lie from its cell's centre, with room to spare (cells are about 100 m square).</summary>
    public const double MaxSnapMeters = 100;

    private const double MetersPerDegree = GeoGrid.EarthRadiusMeters * Math.PI / 180;
    private const double BandHeight = CellMeters / MetersPerDegree;
    private static readonly int BandCount = (int)Math.Ceiling(180 / BandHeight);

    /// <summary>The centre of the cell that holds the point. Idempotent: a centre snaps to itself.</summary>
    public static (double Latitude, double Longitude) Snap(double latitude, double longitude)
    {
        var band = Math.Clamp((int)Math.Floor((latitude + 90) / BandHeight), 0, BandCount - 1);
        var south = -90 + band * BandHeight;
        var north = Math.Min(90, south + BandHeight);
        var nearestEquator = south <= 0 && north >= 0 ? 0 : Math.Min(Math.Abs(south), Math.Abs(north));
        var circumference = 360 * Math.Cos(nearestEquator * Math.PI / 180) * MetersPerDegree;
        var columns = Math.Max(1, (int)Math.Floor(circumference / CellMeters));
        var width = 360.0 / columns;
        var column = (((int)Math.Floor((longitude + 180) / width) % columns) + columns) % columns;
        return ((south + north) / 2, -180 + (column + 0.5) * width);
    }

    /// <summary>The distance between the cells of two points, as answers show it: a multiple of 100 m, at least 100.</summary>
    public static int DistanceMeters(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var (lat1, lon1) = Snap(latitude1, longitude1);
        var (lat2, lon2) = Snap(latitude2, longitude2);
        return Rounded(GeoGrid.DistanceMeters(lat1, lon1, lat2, lon2));
    }

    /// <summary>Rounds a distance between cell centres up to the next multiple of 100 m, at least 100.</summary>
    public static int Rounded(double meters) =>
        Math.Max((int)CellMeters, (int)Math.Ceiling(meters / CellMeters) * (int)CellMeters);
}
