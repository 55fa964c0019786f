using System.Diagnostics;
using System.Text;
using Dapper;
using Distance.Data.Locations;
using Distance.Load.Common;
using MySqlConnector;

namespace Distance.Load.Seed;

public static class SeedCommand
{
    public const string Help = """
          --members N        members in total (default 1000000)
          --festival F       festival crowd: F women (odd ids) and F men (even ids) of the host school within 500 m of its
                             campus, verified students, at ids 1..2F (default 3000)
          --host CODE        the festival's school (default KONKUK)
          --connection CS    MariaDB connection string (default the local bench database distance_bench)
          --random-seed S    seed of the generator (default 1)
          --force            allow a database whose name contains neither "load" nor "bench" (it is dropped and created anew!)
        """;

    public const string DefaultConnection = "Server=127.0.0.1;Port=3307;User ID=root;Database=distance_bench";

    private static readonly string[] Departments = ["컴퓨터공학과", "경영학과", "시각디자인과", "기계공학과", "심리학과", "국어국문학과", "화학과", "경제학과"];
    private static readonly string[] Mbtis = ["INTJ", "INTP", "ENTJ", "ENTP", "INFJ", "INFP", "ENFJ", "ENFP", "ISTJ", "ISFJ", "ESTJ", "ESFJ", "ISTP", "ISFP", "ESTP", "ESFP"];
    private static readonly string[] Characters = ["차분함", "활발함", "유쾌함", "진지함"];
    private static readonly string[] Tags = ["영화", "산책", "음악", "여행", "게임", "운동", "독서", "요리"];

    public static async Task<int> RunAsync(Arguments args)
    {
        var members = args.Integer("members", 1_000_000);
        var festival = args.Integer("festival", 3_000);
        var clock = Stopwatch.StartNew();
        var database = await RecreateAsync(args.String("connection", DefaultConnection), args.Flag("force"));
        await SeedPopulationAsync(database, members, festival, args.String("host", "KONKUK"), args.Integer("random-seed", 1));
        Console.WriteLine($"seeded {members} members ({festival} women and {festival} men of the festival at ids 1..{2 * festival}) in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>A fresh database from the migrations; returns its connection string, ready for bulk loads.</summary>
    public static async Task<string> RecreateAsync(string connection, bool force)
    {
        var builder = new MySqlConnectionStringBuilder(connection) { AllowLoadLocalInfile = true, DefaultCommandTimeout = 600 };
        var clock = Stopwatch.StartNew();
        await ScratchDatabase.RecreateAsync(builder.ConnectionString, force);
        Console.WriteLine($"created {builder.Database} from the migrations in {clock.Elapsed.TotalSeconds:F1} s");
        return builder.ConnectionString;
    }

    /// <summary>
    /// Members with locations and grid slots (see <see cref="Population"/>) into a fresh database
    /// (<see cref="RecreateAsync"/>): the crowd of <paramref name="festival"/> women and as many men
    /// of <paramref name="hostCode"/> at ids 1..2F, everyone else after them.
    /// </summary>
    public static async Task SeedPopulationAsync(string connectionString, int members, int festival, string hostCode, int randomSeed)
    {
        await using var connection = new MySqlConnection(connectionString);
        var schools = (await connection.QueryAsync<SeedSchool>(
            "SELECT code AS Code, womens_university AS Womens, campus_latitude AS Latitude, campus_longitude AS Longitude FROM schools ORDER BY code")).ToList();
        var host = schools.SingleOrDefault(s => s.Code == hostCode)
                   ?? throw new ArgumentException("--host must be a school code of universities.csv");

        var generated = Stopwatch.StartNew();
        var population = new Population(schools, host, members, festival, randomSeed);
        Console.WriteLine($"generated {members} members in {population.Buckets.Count} buckets in {generated.Elapsed.TotalSeconds:F1} s");
        await LoadAsync(connectionString, population);
        var analyzed = Stopwatch.StartNew();
        await connection.ExecuteAsync("ANALYZE TABLE members, member_locations, location_slots, location_buckets", commandTimeout: 600);
        Console.WriteLine($"analyzed in {analyzed.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task LoadAsync(string connectionString, Population population)
    {
        var now = DateTime.UtcNow;
        var levels = GeoGrid.Levels;
        // Rows in primary-key order append to the clustered index instead of splitting its pages.
        var slotRows = Enumerable.Range(0, population.Slots.Length).OrderBy(i => population.Slots[i].BucketId).ThenBy(i => population.Slots[i].Slot).ToArray();
        var buckets = population.Buckets.OrderBy(b => b.School.Code, StringComparer.Ordinal).ThenBy(b => b.Female).ThenBy(b => b.Level).ThenBy(b => b.Cell).ToList();
        await Task.WhenAll(
            BulkLoad.LoadAsync(connectionString, "members",
                ["id", "phone", "password_hash", "gender", "school_code", "college", "department", "mbti", "`character`", "tags", "hobbies",
                 "student_verified", "created_at", "last_active_at", "deactivated_at"],
                population.Members, (text, m) => WriteMember(text, m, now), CancellationToken.None),
            BulkLoad.LoadAsync(connectionString, "member_locations",
                ["member_id", "latitude", "longitude", "cell0", "cell1", "cell2", "updated_at"],
                population.Members, (text, m) => text.Field(m.Id).Field(m.Latitude).Field(m.Longitude)
                    .Field(population.Cells[(m.Id - 1) * levels]).Field(population.Cells[(m.Id - 1) * levels + 1]).Field(population.Cells[(m.Id - 1) * levels + 2])
                    .Append(now.AddSeconds(-m.InactiveSeconds).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)),
                CancellationToken.None),
            BulkLoad.LoadAsync(connectionString, "location_slots", ["bucket_id", "slot", "member_id", "level"],
                slotRows, (text, i) => text.Field(population.Slots[i].BucketId).Field(population.Slots[i].Slot).Field(i / levels + 1).Append(i % levels),
                CancellationToken.None),
            BulkLoad.LoadAsync(connectionString, "location_buckets",
                ["school_code", "gender", "level", "cell", "id", "womens_university", "size"],
                buckets, (text, b) => text.Field(b.School.Code).Field(b.Female ? "female" : "male").Field(b.Level).Field(b.Cell)
                    .Field(b.Id).Field(b.School.Womens ? 1 : 0).Append(b.Size),
                CancellationToken.None));
    }

    private static void WriteMember(StringBuilder text, SeedMember member, DateTime now)
    {
        var id = member.Id;
        var tags = $"[\"{Tags[id % 8]}\",\"{Tags[(id / 8 + 1 + id) % 8]}\"]";
        text.Field(id).Field("010" + id.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).Field("seeded-no-password")
            .Field(member.Female ? "female" : "male").Field(member.School.Code).Field("공과대학").Field(Departments[id % Departments.Length])
            .Field(Mbtis[id % 16]).Field(Characters[id % 4]).Field(tags).Field($"[\"{Tags[(id + 3) % 8]}\"]")
            .Field(member.StudentVerified ? 1 : 0).Field(now).Field(now.AddSeconds(-member.InactiveSeconds)).Last(member.Deactivated ? now.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) : "\\N");
    }
}
