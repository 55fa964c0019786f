using System.Globalization;
using Dapper;
using Distance.Data.Locations;
using Distance.Load.Common;
using Distance.Load.Seed;
using MySqlConnector;

namespace Distance.Load.Matching;

/// <summary>
/// What each statement of a match costs MariaDB, measured one statement at a time on one
/// connection: the server's CPU time per execution (from /proc/PID/stat), as plain text and as a
/// server-side prepared statement, alternated over rounds so that drift hits both alike. The
/// statements are NearbyRepository's own, for one festival caller of a seeded database.
/// </summary>
public static class StatementCostCommand
{
    public const string Help = """
          --pid P               the MariaDB server's process id (required)
          --connection CS       the seeded database (default the local distance_bench)
          --caller ID           the calling member (default 1, a festival member of `seed`)
          --executions N        executions of each statement per mode and round (default 3000)
          --rounds R            rounds (default 3); the median is reported
        """;

    private sealed record Statement(string Name, string Sql, Dictionary<string, object> Parameters);

    public static async Task<int> RunAsync(Arguments args)
    {
        var pid = args.Integer("pid", 0);
        if (CpuTimes.Read(pid) is null)
            throw new ArgumentException("--pid must name the running MariaDB server");
        var executions = args.Integer("executions", 3_000);
        var rounds = args.Integer("rounds", 3);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(20));

        // Prepared statements live on the connection, so a plain connection (no pool reset) runs all.
        var connectionString = new MySqlConnectionStringBuilder(args.String("connection", SeedCommand.DefaultConnection)) { ConnectionReset = false }.ConnectionString;
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(stop.Token);
        var statements = await StatementsAsync(connection, args.Integer("caller", 1), stop.Token);

        var cpu = statements.ToDictionary(s => s.Name, _ => (Text: new List<double>(), Prepared: new List<double>()));
        for (var round = 0; round < rounds; round++)
            foreach (var statement in statements)
            {
                cpu[statement.Name].Text.Add(await CostAsync(connection, statement, prepared: false, executions, pid, stop.Token));
                cpu[statement.Name].Prepared.Add(await CostAsync(connection, statement, prepared: true, executions, pid, stop.Token));
            }

        Console.WriteLine($"MariaDB CPU per execution, median of {rounds} rounds of {executions}:");
        foreach (var (name, (text, prepared)) in cpu)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-8} text {Median(text):F3} ms   prepared {Median(prepared):F3} ms   (rounds: {string.Join(" / ", text.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))} against {string.Join(" / ", prepared.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)))})"));
        return 0;
    }

    /// <summary>The three statements of a match for the caller, with parameters as the repository would send them.</summary>
    private static async Task<List<Statement>> StatementsAsync(MySqlConnection connection, long me, CancellationToken cancellationToken)
    {
        var caller = await connection.QuerySingleOrDefaultAsync<NearbyRepository.Caller>(new CommandDefinition(
            NearbyRepository.CallerSql, new { me }, cancellationToken: cancellationToken));
        if (caller is not { Latitude: { } latitude, Longitude: { } longitude })
            throw new ArgumentException($"member {me} does not exist or has no location; --caller must name a seeded member");
        var (level, cells) = GeoGrid.Cover(latitude, longitude, 1_000);
        var ranges = new CellRanges(cells);
        var bucketParameters = new Dictionary<string, object>
        {
            ["school"] = caller.SchoolCode, ["gender"] = caller.WantedGender,
            ["level"] = level,
        };
        foreach (var (name, value) in ranges.Bounds())
            bucketParameters[name] = value;
        var bucketsSql = NearbyRepository.SchoolBucketsSql(ranges.Count);
        var buckets = (await connection.QueryAsync<BucketSize>(new CommandDefinition(
            bucketsSql, bucketParameters, cancellationToken: cancellationToken))).AsList();
        var draws = NearbyRepository.DrawsJson(new BucketSampler(buckets).Draw(new Random(7), 12));
        return
        [
            new("caller", NearbyRepository.CallerSql, new() { ["me"] = me }),
            new("buckets", bucketsSql, bucketParameters),
            new("draws", NearbyRepository.DrawnCandidatesSql, new() { ["me"] = me, ["gender"] = caller.WantedGender, ["womens"] = caller.WomensUniversity, ["draws"] = draws }),
        ];
    }

    private static async Task<double> CostAsync(MySqlConnection connection, Statement statement, bool prepared, int executions, int pid, CancellationToken cancellationToken)
    {
        var before = CpuTimes.Read(pid) ?? throw new InvalidOperationException("MariaDB has gone away");
        for (var i = 0; i < executions; i++)
        {
            await using var command = new MySqlCommand(statement.Sql, connection);
            foreach (var (name, value) in statement.Parameters)
                command.Parameters.AddWithValue("@" + name, value);
            // MySqlConnector keeps the statement prepared on the session: only the first call prepares.
            if (prepared)
                await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
            }
        }
        var after = CpuTimes.Read(pid) ?? throw new InvalidOperationException("MariaDB has gone away");
        return 1000 * (after - before) / executions;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
