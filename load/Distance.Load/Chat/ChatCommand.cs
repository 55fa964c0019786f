using System.Diagnostics;
using System.Globalization;
using Distance.Load.Common;

namespace Distance.Load.Chat;

/// <summary>
/// Cross-node chat at fixed offered rates, the bare SignalR baseline and Distance in the same run:
/// per rate, a warm-up then a measured phase of each; delivery latency is from the scheduled send
/// to MessageReceived at the other member; afterwards every acked Distance message is looked up in
/// MariaDB (stored exactly once per room).
/// </summary>
public static class ChatCommand
{
    public const string Help = """
          --seed                 only (re)create the database with --pairs rooms, then exit (before the cluster starts)
          --pairs N              rooms, each of two members on different nodes (default 1000)
          --urls A,B             the two Distance nodes (default http://127.0.0.1:5701,http://127.0.0.1:5702)
          --baseline-urls A,B    the two bare baseline hosts (default none: Distance only)
          --baseline-only        only the baseline hosts (with --baseline-urls): the cold surge's floor
          --warm-driver S        first run this driver S seconds at the first rate against other hosts, unmeasured, and close
                                 those connections: a cold surge measures cold servers, not a cold driver. The hosts: --warm-urls A,B
                                 (bare baseline hosts that are not measured), else the --baseline-urls hosts, which are then not measured
          --wait-ready           after the driver's warm-up, wait until every --urls node answers /health/ready with 200
                                 (the script starts the nodes meanwhile), then connect and surge at once
          --pids-file PATH       read --pids from PATH once the nodes are ready (written by the script that started them)
          --rates R1,R2          offered messages per second (default 500,1000,2000)
          --duration S           measured seconds per rate (default 20); --warmup S before each (default 5)
          --timeline S           also print the delivery latency per S-second window of each measured phase
                                 (with --warmup 0 and no baseline: the cold surge, from the first send after connecting)
          --connection CS        the load database (default Database=distance_load on the local MariaDB)
          --key PATH             signing key (default .local/jwt-signing.key of the repository)
          --pids P1,P2           processes whose CPU time to report per phase
          --csv PATH             append one line per phase; --label L names the run in it
          --client raw|signalr   raw (default): the JSON hub protocol over a bare WebSocket, a fraction of the
                                 reference client's CPU per message; signalr: the reference client (ChatClient)
        """;

    public const string DefaultConnection = "Server=127.0.0.1;Port=3307;User ID=root;Database=distance_load";

    private const string CsvHeader = "label,target,offered,duration_s,acked,delivered,delivered_per_s,p50_ms,p99_ms,p999_ms,max_ms,ack_p99_ms,errors,dropped,undelivered,lost,extra_stored";

    public static async Task<int> RunAsync(Arguments args)
    {
        var connectionString = args.String("connection", DefaultConnection);
        var pairs = args.Integer("pairs", 1000);
        if (args.Flag("seed"))
        {
            await ChatSeed.RunAsync(connectionString, pairs, args.Flag("force"));
            return 0;
        }
        var rates = args.String("rates", "500,1000,2000").Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList();
        var duration = TimeSpan.FromSeconds(args.Number("duration", 20));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 5));
        var pids = CpuTimes.ParsePids(args.String("pids", ""));
        var csv = args.String("csv", "");
        TimeSpan? timeline = args.Number("timeline", 0) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null;
        var label = args.String("label", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        if (csv.Length > 0 && !File.Exists(csv))
            await File.WriteAllTextAsync(csv, CsvHeader + "\n");

        var raw = args.String("client", "raw") switch
        {
            "raw" => true,
            "signalr" => false,
            var other => throw new ArgumentException($"--client must be raw or signalr, not {other}"),
        };
        var urls = args.String("urls", "http://127.0.0.1:5701,http://127.0.0.1:5702").Split(',');
        var tokens = DevTokens.FromFile(args.String("key", RepoFiles.SigningKeyPath()));
        var targets = new List<(string Name, ChatPairs Pairs)>();
        var baselineUrls = args.String("baseline-urls", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var warmDriver = TimeSpan.FromSeconds(args.Number("warm-driver", 0));
        var warmUrls = args.String("warm-urls", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var baselineWarms = warmDriver > TimeSpan.Zero && warmUrls.Length == 0;
        if (warmDriver > TimeSpan.Zero)
        {
            // The driver's own first seconds (JIT, its pools) are no part of the servers' surge: spent on hosts not measured.
            if (baselineWarms && (baselineUrls.Length == 0 || args.Flag("baseline-only")))
                throw new ArgumentException("--warm-driver needs hosts that are not measured: --warm-urls, or --baseline-urls without --baseline-only");
            var hosts = baselineWarms ? baselineUrls : warmUrls;
            await using var warming = await ConnectBaselineAsync(pairs, hosts, raw);
            await PhaseAsync(warming, "warm-up", rates[0], warmDriver, connectionString, pids, null, label, measured: false, null);
            Console.WriteLine($"driver warmed for {warmDriver.TotalSeconds:0} s at {rates[0]}/s against {string.Join(" and ", hosts)}");
        }
        if (args.Flag("wait-ready"))
            await NodesReadyAsync(urls);
        if (args.String("pids-file", "") is { Length: > 0 } pidsFile)
            pids = await PidsFromFileAsync(pidsFile);
        if (baselineUrls.Length > 0 && !baselineWarms)
            targets.Add(("baseline", await ConnectBaselineAsync(pairs, baselineUrls, raw)));
        if (!args.Flag("baseline-only"))
            targets.Add(("chat", await ChatPairs.ConnectDistanceAsync(pairs, urls, tokens, raw)));

        foreach (var rate in rates)
        {
            foreach (var (name, target) in targets)
            {
                if (warmup > TimeSpan.Zero)
                    await PhaseAsync(target, name, rate, warmup, connectionString, pids, null, label, measured: false, null);
                await PhaseAsync(target, name, rate, duration, connectionString, pids, csv, label, measured: true, timeline);
            }
        }
        foreach (var (_, target) in targets)
            await target.DisposeAsync();
        return 0;
    }

    /// <summary>Polls every node's readiness until all answer 200: the surge starts in the first second after ready.</summary>
    private static async Task NodesReadyAsync(string[] urls)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var clock = Stopwatch.StartNew();
        var polls = 0;
        foreach (var url in urls)
        {
            while (!await Readiness.IsReadyAsync(http, url))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"{url} did not report ready within 3 minutes");
                polls++;
                await Task.Delay(50);
            }
        }
        // Ready at the first look means they may have idled since: the surge would not be a cold one.
        Console.WriteLine(polls == 0
            ? "the nodes were ready before the driver looked: this surge may reach them later than the first second after ready"
            : string.Create(CultureInfo.InvariantCulture, $"the nodes reported ready {clock.Elapsed.TotalSeconds:F1} s after the driver began to wait"));
    }

    private static async Task<IReadOnlyList<int>> PidsFromFileAsync(string path)
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(path) && (await File.ReadAllTextAsync(path)).Trim() is { Length: > 0 } text)
                return CpuTimes.ParsePids(text);
            await Task.Delay(50);
        }
        throw new TimeoutException($"no process ids in {path} within 30 s");
    }

    private static Task<ChatPairs> ConnectBaselineAsync(int pairs, string[] urls, bool raw) =>
        ChatPairs.ConnectAsync(pairs,
            room => ChatPairs.Create($"{urls[0]}/hubs/echo?member={2 * room - 1}&room={room}", null, raw),
            room => ChatPairs.Create($"{urls[1]}/hubs/echo?member={2 * room}&room={room}", null, raw), 50);

    private static async Task PhaseAsync(ChatPairs target, string name, double rate, TimeSpan duration, string connectionString,
        IReadOnlyList<int> pids, string? csv, string label, bool measured, TimeSpan? timeline)
    {
        var result = await ChatPhase.RunAsync(target, new Latency($"{name} @{rate}/s"), rate, duration,
            measured && name == "chat" ? connectionString : null, CpuTimes.Start(pids), CancellationToken.None, timeline);
        if (!measured)
            return;
        if (result.RoomsStoringTwice > 0)
            throw new InvalidOperationException($"{result.RoomsStoringTwice} rooms store a message twice");

        var (ack, delivery, seconds) = (result.Ack, result.Delivery, duration.TotalSeconds);
        Console.WriteLine(ChatPhase.Summary(result, duration));
        Console.WriteLine($"{"",-22} {result.Cpu}");
        foreach (var line in result.Timeline?.Lines() ?? [])
            Console.WriteLine(line);
        if (!string.IsNullOrEmpty(csv))
            await File.AppendAllTextAsync(csv, string.Create(CultureInfo.InvariantCulture,
                $"{label},{name},{rate},{seconds},{result.Acked},{delivery.Count},{delivery.Count / seconds:F1},{delivery.Milliseconds(50):F2},{delivery.Milliseconds(99):F2},{delivery.Milliseconds(99.9):F2},{delivery.MaxMilliseconds:F1},{ack.Milliseconds(99):F2},{ack.Errors},{ack.Dropped},{result.Undelivered},{result.Lost},{result.StoredUnacked}\n"));
    }
}
