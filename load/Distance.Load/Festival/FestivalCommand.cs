using System.Diagnostics;
using System.Globalization;
using Distance.Load.Chat;
using Distance.Load.Common;
using Distance.Load.Matching;
using MySqlConnector;

namespace Distance.Load.Festival;

/// <summary>
/// Festival night times N (issue 7): the real mix of HTTP requests at 33·N/s, alternating over two
/// nodes, while the crowd's members chat at 4,000·N messages an hour, every message across nodes;
/// a warm-up, then one measured phase. Everything is open-model (latency from the scheduled start).
/// </summary>
public static class FestivalCommand
{
    public const string Help = """
          --seed                 only (re)create the database, then exit (before the cluster starts): the crowd of --members
                                 verified members within 500 m of one campus (--host CODE, default KONKUK), room k between
                                 members 2k-1 and 2k with --history H messages each (default 20), and --background B members
                                 around other campuses (default 100000); drops only a *load* or *bench* database (or --force)
          --urls A,B             the two nodes (default http://127.0.0.1:5701,http://127.0.0.1:5702): HTTP requests alternate
                                 between them; member 2k-1 of every room is connected to A, member 2k to B
          --multiple N           festival night times N (default 100): 33·N HTTP requests/s and 4000·N/3600 chat messages/s
          --mix M                shares of the HTTP requests in percent (default location:45,matches:15,rooms:25,history:15):
                                 location = PUT /api/me/location (204), matches = GET /api/matches?radiusMeters=1000&count=4 (200),
                                 rooms = GET /api/rooms (200), history = GET /api/rooms/{id}/messages?limit=50 (200)
          --members M            the crowd: connected, chatting members, who also make every HTTP request (default 5000 = 2500 rooms)
          --duration S           measured seconds (default 600); before them --warmup S of the same load, not reported (default 60:
                                 a node's first minute of load goes largely to the JIT)
          --clients N            HTTP connections per node (default 64)
          --connection CS        the festival database (default Database=distance_festival_load on the local MariaDB)
          --key PATH             signing key (default .local/jwt-signing.key of the repository)
          --pids P1,P2           processes whose CPU time to report for the measured phase
          --csv PATH             append one line per operation kind; --label L names the run in it
        Targets (issue 7): p99 <= 100 ms for HTTP (the whole mix) and for chat delivery, zero errors, nothing dropped or lost;
        the last line says PASS or FAIL, and the exit code is 1 on FAIL.
        """;

    public const string DefaultConnection = "Server=127.0.0.1;Port=3307;User ID=root;Database=distance_festival_load";

    private const int RadiusMeters = 1_000;
    private const int MatchCount = 4;
    private const double StepMeters = 5;
    private const int HistoryPage = 50;

    public static async Task<int> RunAsync(Arguments args)
    {
        var connectionString = args.String("connection", DefaultConnection);
        var members = args.Integer("members", 5_000);
        if (members < 2 || members % 2 != 0)
            throw new ArgumentException("--members must be even and at least 2: members 2k-1 and 2k share room k");
        if (args.Flag("seed"))
        {
            await FestivalSeed.RunAsync(connectionString, members, args.Integer("background", 100_000), args.Integer("history", 20),
                args.String("host", "KONKUK"), args.Integer("random-seed", 1), args.Flag("force"));
            return 0;
        }

        var multiple = args.Number("multiple", 100);
        var shares = FestivalMix.Parse(args.String("mix", FestivalMix.Default));
        var httpRate = FestivalMix.HttpPerSecond * multiple;
        var chatRate = FestivalMix.ChatPerHour * multiple / 3600;
        var duration = TimeSpan.FromSeconds(args.Number("duration", 600));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 60));
        var urls = HttpNodes.ParseUrls(args.String("urls", "http://127.0.0.1:5701,http://127.0.0.1:5702"));
        var tokens = DevTokens.FromFile(args.String("key", RepoFiles.SigningKeyPath()));

        await using var dataSource = new MySqlDataSourceBuilder(connectionString).Build();
        var crowd = await Crowd.ReadAsync(dataSource, members);
        using var http = new HttpNodes(urls, args.Integer("clients", 64));
        var matching = new MatchingTraffic(http, http, tokens, crowd.Positions, crowd.Campus, RadiusMeters, MatchCount, StepMeters);
        var rooms = new FestivalTraffic(http, tokens, members, HistoryPage);
        var kinds = shares.Select(share => share.Kind switch
        {
            FestivalMix.Location => new HttpKind(share.Kind, "PUT /api/me/location", httpRate * share.Percent / 100, matching.UpdateLocationAsync),
            FestivalMix.Matches => new HttpKind(share.Kind, "GET /api/matches", httpRate * share.Percent / 100, matching.MatchAsync),
            FestivalMix.Rooms => new HttpKind(share.Kind, "GET /api/rooms", httpRate * share.Percent / 100, rooms.RoomsAsync),
            _ => new HttpKind(share.Kind, "GET /api/rooms/{id}/messages", httpRate * share.Percent / 100, rooms.HistoryAsync),
        }).ToList();

        // Member 2k-1 on the first node, 2k on the second (the same node twice if only one is given).
        var hubs = urls.Select(u => new Uri(u, "/hubs/chat").ToString()).ToList();
        await using var chat = await ChatPairs.ConnectAsync(members / 2,
            room => ChatPairs.Create(hubs[0], tokens.For(2L * room - 1), raw: false),
            room => ChatPairs.Create(hubs[^1], tokens.For(2L * room), raw: false), 50);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"festival x{multiple:0.##}: {httpRate:F0} HTTP requests/s ({FestivalMix.Describe(shares)}) over {string.Join(" and ", urls.Select(u => u.GetLeftPart(UriPartial.Authority)))}; " +
            $"{chatRate:F1} chat messages/s among {members} connected members ({members / 2} rooms, every message across nodes); " +
            $"{crowd.Members} members in the database; {warmup.TotalSeconds:0} s warm-up, {duration.TotalSeconds:0} s measured"));
        if (warmup > TimeSpan.Zero)
            await RunPhaseAsync(kinds, chat, chatRate, warmup, null, []);
        var result = await RunPhaseAsync(kinds, chat, chatRate, duration, connectionString, CpuTimes.ParsePids(args.String("pids", "")));

        FestivalReport.Print(result);
        Console.WriteLine(Invariant($"matches per answer {matching.AverageMatches:F2} (count {MatchCount}, radius {RadiusMeters} m)"));
        var csv = args.String("csv", "");
        if (csv.Length > 0)
            await FestivalReport.AppendCsvAsync(csv, args.String("label", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)), multiple, result);
        var (passed, line) = FestivalReport.Verdict(result, multiple);
        Console.WriteLine(line);
        return passed ? 0 : 1;
    }

    /// <summary>Every kind of the mix at its own rate and the chat at its rate, all at once for <paramref name="duration"/>.</summary>
    private static async Task<FestivalResult> RunPhaseAsync(IReadOnlyList<HttpKind> kinds, ChatPairs chat, double chatRate, TimeSpan duration,
        string? verifyConnection, IReadOnlyList<int> pids)
    {
        var runs = kinds.Select(k => new HttpKindResult(k, new Latency(k.Route), new StatusCounts())).ToList();
        var cpu = CpuTimes.Start(pids);
        var started = Stopwatch.GetTimestamp();
        var chatPhase = ChatPhase.RunAsync(chat, new Latency("chat delivery"), chatRate, duration, verifyConnection, null, CancellationToken.None);
        // At most two seconds' worth of each kind in flight: beyond that the server has fallen over.
        await Task.WhenAll(runs.Select(r => OpenLoop.RunAsync(r.Kind.Rate, duration, (int)Math.Max(64, r.Kind.Rate * 2), r.Latency,
            ct => r.Kind.Run(r.Statuses, ct), CancellationToken.None)));
        cpu.Stop();
        var elapsed = Stopwatch.GetElapsedTime(started);
        var chatResult = await chatPhase;
        var operations = runs.Sum(r => r.Latency.Count) + chatResult.Acked;
        return new FestivalResult(runs, Latency.Combine("HTTP, the whole mix", runs.Select(r => r.Latency)), chatResult, chatRate, duration,
            cpu.Report(elapsed, operations) + " (an operation: an HTTP request or an acked chat message)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
