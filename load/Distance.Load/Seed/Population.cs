using Distance.Data.Locations;

namespace Distance.Load.Seed;

public sealed record SeedSchool(string Code, bool Womens, double Latitude, double Longitude);

public struct SeedMember
{
    public long Id;
    public SeedSchool School;
    public bool Female;
    public double Latitude;
    public double Longitude;
    public int InactiveSeconds;
    public bool Deactivated;
    public bool StudentVerified;
}

public sealed class SeedBucket(long id, SeedSchool school, bool female, int level, long cell)
{
    public long Id { get; } = id;
    public SeedSchool School { get; } = school;
    public bool Female { get; } = female;
    public int Level { get; } = level;
    public long Cell { get; } = cell;
    public int Size { get; set; }
}

/// <summary>
/// Synthetic members: a festival crowd of <c>festival</c> women and as many men of the host school
/// within 500 m of its campus (so each of them has that many candidates within 1 km), women at odd
/// and men at even ids (so the chat pairs 2k-1 and 2k are a woman and a man), all of them verified
/// students (they chat, and only verified students open rooms), and everyone
/// else around a random school's campus (normal spread, sigma 3 km, one in ten 30 km). Background
/// members are active within 7 days with probability 0.85, deactivated with probability 0.003.
/// Members get their grid slots exactly as the node would assign them.
/// </summary>
public sealed class Population
{
    public const double CrowdRadiusMeters = 500;

    public Population(IReadOnlyList<SeedSchool> schools, SeedSchool host, int members, int festival, int randomSeed)
    {
        var random = new Random(randomSeed);
        Members = new SeedMember[members];
        var crowd = Math.Min(members, 2 * festival);
        for (var i = 0; i < members; i++)
        {
            ref var member = ref Members[i];
            member.Id = i + 1;
            if (i < crowd)
            {
                member.School = host;
                member.Female = i % 2 == 0;
                member.StudentVerified = true;
                (member.Latitude, member.Longitude) = InDisc(random, host.Latitude, host.Longitude, CrowdRadiusMeters);
                member.InactiveSeconds = random.Next(0, 3600);
            }
            else
            {
                var school = schools[random.Next(schools.Count)];
                member.School = school;
                member.Female = school.Womens ? random.NextDouble() < 0.95 : random.NextDouble() < 0.5;
                var sigma = random.NextDouble() < 0.1 ? 30_000 : 3_000;
                (member.Latitude, member.Longitude) = Normal(random, school.Latitude, school.Longitude, sigma);
                member.InactiveSeconds = random.NextDouble() < 0.85 ? random.Next(0, 7 * 86400 - 3600) : random.Next(8 * 86400, 60 * 86400);
                member.Deactivated = random.NextDouble() < 0.003;
            }
        }
        AssignSlots();
    }

    public SeedMember[] Members { get; }

    public List<SeedBucket> Buckets { get; } = [];

    /// <summary>Slot of each member at each level, in member order: index = (id - 1) * levels + level.</summary>
    public (long BucketId, int Slot)[] Slots { get; private set; } = [];

    public long[] Cells { get; private set; } = [];

    private void AssignSlots()
    {
        var levels = GeoGrid.Levels;
        var byKey = new Dictionary<(string, bool, int, long), SeedBucket>();
        Slots = new (long, int)[Members.Length * levels];
        Cells = new long[Members.Length * levels];
        for (var i = 0; i < Members.Length; i++)
        {
            ref var member = ref Members[i];
            for (var level = 0; level < levels; level++)
            {
                var cell = GeoGrid.CellOf(level, member.Latitude, member.Longitude);
                var key = (member.School.Code, member.Female, level, cell);
                if (!byKey.TryGetValue(key, out var bucket))
                {
                    bucket = new SeedBucket(Buckets.Count + 1, member.School, member.Female, level, cell);
                    byKey.Add(key, bucket);
                    Buckets.Add(bucket);
                }
                Cells[i * levels + level] = cell;
                Slots[i * levels + level] = (bucket.Id, bucket.Size++);
            }
        }
    }

    private static (double, double) InDisc(Random random, double latitude, double longitude, double radius) =>
        Offset(latitude, longitude, radius * Math.Sqrt(random.NextDouble()), random.NextDouble() * 2 * Math.PI);

    private static (double, double) Normal(Random random, double latitude, double longitude, double sigma)
    {
        // Box-Muller: a two-dimensional normal offset.
        var r = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
        return Offset(latitude, longitude, r, random.NextDouble() * 2 * Math.PI);
    }

    private static (double, double) Offset(double latitude, double longitude, double meters, double bearing)
    {
        var metersPerDegree = GeoGrid.EarthRadiusMeters * Math.PI / 180;
        var lat = latitude + meters * Math.Cos(bearing) / metersPerDegree;
        var lon = longitude + meters * Math.Sin(bearing) / (metersPerDegree * Math.Cos(latitude * Math.PI / 180));
        return (Math.Clamp(lat, -90, 90), lon);
    }
}
