using System.Diagnostics;
using Distance.Data.Database;
using Distance.Data.Locations;
using Distance.Load.Common;
using Distance.Load.Seed;
using MySqlConnector;

namespace Distance.Load.Matching;

/// <summary>
/// The matching benchmark over a seeded database (see `seed`) and a running cluster:
/// 1. the engine's query alone (NearbyRepository straight on MariaDB), one at a time;
/// 2. GET /api/matches one at a time;
/// 3. GET /api/matches at a fixed offered rate (open model) while location updates run at theirs;
/// 4. with --baseline, the naive full-scan query one at a time and with concurrent clients.
/// </summary>
public static class MatchingCommand
{
    public const string Help = """
          --url URL             a node of the cluster (default http://127.0.0.1:5201)
          --rate R              offered GET /api/matches per second (default 1000)
          --updates U           offered PUT /api/me/location per second at the same time (default 1000)
          --duration S          seconds of load (default 30); before everything, --warmup S (default 10) at half the rates
          --clients N           HTTP connections for matches (default 64; updates get half)
          --single N            sequential requests for single-query latency (default 500)
          --radius M --count C  query parameters (default 1000 and 4)
          --festival F          crowd size per gender used by `seed` (default 3000): callers are ids 1..2F
          --step M              mean step of a walking member in meters (default 5)
          --connection CS       the seeded database (default the local distance_bench)
          --key PATH            signing key (default .local/jwt-signing.key of the repository)
          --pids P1,P2          processes whose CPU time to report for the load phase (e.g. node and mariadbd)
          --baseline            also run the naive full-scan query: --baseline-queries N (default 20),
                                --baseline-clients N (default 2), --baseline-duration S (default 20)
        """;

    public static async Task<int> RunAsync(Arguments args)
    {
        var festival = args.Integer("festival", 3_000);
        var radius = args.Integer("radius", 1_000);
        var count = args.Integer("count", 4);
        var connectionString = new MySqlConnectionStringBuilder(args.String("connection", SeedCommand.DefaultConnection)) { MaximumPoolSize = 64 }.ConnectionString;
        await using var dataSource = new MySqlDataSourceBuilder(connectionString).Build();
        var tokens = DevTokens.FromFile(args.String("key", RepoFiles.SigningKeyPath()));
        var (positions, campus, members) = await Crowd.ReadAsync(dataSource, 2 * festival);
        var url = new Uri(args.String("url", "http://127.0.0.1:5201"));
        using var matchClients = new HttpNodes([url], args.Integer("clients", 64));
        using var updateClients = new HttpNodes([url], Math.Max(4, args.Integer("clients", 64) / 2));
        var traffic = new MatchingTraffic(matchClients, updateClients, tokens, positions, campus, radius, count, args.Number("step", 5));
        var nearby = new NearbyRepository(dataSource, ReadRouting.PrimaryOnly(dataSource));
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var token = stop.Token;

        Console.WriteLine($"members {members}, callers = festival crowd of {positions.Length}, radius {radius} m, count {count}");
        var single = args.Integer("single", 500);
        var pids = CpuTimes.ParsePids(args.String("pids", ""));
        // Warm-up first: JIT tiering and connection pools of the node and this driver settle here.
        var rate = args.Number("rate", 1_000);
        var updates = args.Number("updates", 1_000);
        var clients = args.Integer("clients", 64);
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 10));
        await LoadAsync(traffic, rate / 2, updates / 2, clients, warmup, new Latency("warm-up"), new Latency("warm-up"), token);
        await SequentialAsync(new Latency("warm-up (engine query)"), 100, ct => EngineAsync(nearby, positions.Length, radius, count, ct), pids, token);
        Report(await SequentialAsync(new Latency("engine query, one at a time"), single, ct => EngineAsync(nearby, positions.Length, radius, count, ct), pids, token));
        Report(await SequentialAsync(new Latency("HTTP matches, one at a time"), single, traffic.MatchAsync, pids, token));

        await LoadAsync(traffic, rate, updates, clients, TimeSpan.FromSeconds(5), new Latency("warm-up"), new Latency("warm-up"), token);
        var cpu = CpuTimes.Start(pids);
        var duration = TimeSpan.FromSeconds(args.Number("duration", 30));
        var matchLatency = new Latency($"HTTP matches @{rate}/s");
        var updateLatency = new Latency($"HTTP locations @{updates}/s");
        var elapsed = await LoadAsync(traffic, rate, updates, clients, duration, matchLatency, updateLatency, token);
        Console.WriteLine(matchLatency.Summary(elapsed));
        Console.WriteLine(updateLatency.Summary(elapsed));
        Console.WriteLine($"{"",-28} matches per answer {traffic.AverageMatches:F2}; {cpu.Report(elapsed, matchLatency.Count + updateLatency.Count)}");

        if (args.Flag("baseline"))
        {
            var baseline = new NaiveBaseline(dataSource, positions.Length, radius, count);
            Report(await SequentialAsync(new Latency("baseline query, one at a time"), args.Integer("baseline-queries", 20), baseline.QueryAsync, pids, token));
            var baselineClients = args.Integer("baseline-clients", 2);
            var concurrent = new Latency($"baseline query x{baselineClients}");
            var started = Stopwatch.GetTimestamp();
            var baselineCpu = CpuTimes.Start(pids);
            await OpenLoop.RunClosedAsync(baselineClients, TimeSpan.FromSeconds(args.Number("baseline-duration", 20)), concurrent, baseline.QueryAsync, token);
            Console.WriteLine(concurrent.Summary(Stopwatch.GetElapsedTime(started)));
            Console.WriteLine($"{"",-28} {baselineCpu.Report(Stopwatch.GetElapsedTime(started), concurrent.Count)}");
        }
        return 0;
    }

    private static async Task<bool> EngineAsync(NearbyRepository nearby, int crowd, int radius, int count, CancellationToken cancellationToken)
    {
        var found = await nearby.FindAsync(new NearbyQuery(Random.Shared.Next(crowd) + 1, radius, count, false), cancellationToken);
        return found is { Count: > 0 };
    }

    private static async Task<(Latency, TimeSpan, string)> SequentialAsync(Latency latency, int requests, Func<CancellationToken, Task<bool>> operation,
        IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        var cpu = CpuTimes.Start(pids);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                ok = await operation(cancellationToken);
            }
            catch (Exception)
            {
                ok = false;
            }
            latency.Record(start, ok);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (latency, elapsed, cpu.Report(elapsed, latency.Count));
    }

    private static void Report((Latency Latency, TimeSpan Elapsed, string Cpu) result)
    {
        Console.WriteLine(result.Latency.Summary(result.Elapsed));
        Console.WriteLine($"{"",-28} {result.Cpu}");
    }

    private static async Task<TimeSpan> LoadAsync(MatchingTraffic traffic, double rate, double updates, int clients, TimeSpan duration,
        Latency matchLatency, Latency updateLatency, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // At most two seconds' worth of requests in flight: beyond that the server has fallen over.
        await Task.WhenAll(
            OpenLoop.RunAsync(rate, duration, (int)Math.Max(clients, rate * 2), matchLatency, traffic.MatchAsync, cancellationToken),
            OpenLoop.RunAsync(updates, duration, (int)Math.Max(clients, updates * 2), updateLatency, traffic.UpdateLocationAsync, cancellationToken));
        return Stopwatch.GetElapsedTime(started);
    }
}
