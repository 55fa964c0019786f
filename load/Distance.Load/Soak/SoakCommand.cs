using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Distance.Load.Chat;
using Distance.Load.Common;

namespace Distance.Load.Soak;

/// <summary>
/// A long steady chat run at one offered rate (the chat scenario's pieces: ChatPairs, OpenLoop,
/// Latency), sampling every node's RSS, GC heap per generation and GC pauses every few seconds;
/// at the end, growth after warm-up, the pause p99, delivery and loss against the soak targets.
/// </summary>
public static class SoakCommand
{
    public const string Help = """
          --pairs N              rooms of two members, one on each node (default 1000; seed them with `chat --seed`)
          --urls A,B             the two Distance nodes (default http://127.0.0.1:5741,http://127.0.0.1:5742)
          --pids P1,P2           the nodes' process ids in --urls order: RSS (/proc), alive, CPU
          --rate R               offered messages per second, cross-node (default 1000)
          --duration S           measured seconds (default 1800) after --warmup S (default 60)
          --sample S             seconds between samples of every node (default 5)
          --window S             seconds of messages verified in MariaDB and forgotten at a time (default 60)
          --max-growth P         live (or gen2) heap and RSS growth allowed after warm-up, percent (default 5)
          --live-heap CMD        a script that prints a process's live heap in bytes, given its pid (scripts/live-heap.sh):
                                 run on every node after warm-up and at the end, the two judge heap growth; without
                                 it the gen2 heap at the last collection does
          --max-pause-p99 MS     GC pause p99 allowed per node (default 20)
          --connection CS        the load database (default Database=distance_load on the local MariaDB)
          --key PATH             signing key (default .local/jwt-signing.key of the repository)
          --csv PATH             one row per sample per node (default load/out/soak-<UTC time>.csv); --label L names the run
        """;

    public static async Task<int> RunAsync(Arguments args)
    {
        var pairs = args.Integer("pairs", 1000);
        var urls = args.String("urls", "http://127.0.0.1:5741,http://127.0.0.1:5742").Split(',');
        var pids = CpuTimes.ParsePids(args.String("pids", ""));
        var rate = args.Number("rate", 1000);
        var duration = TimeSpan.FromSeconds(args.Number("duration", 1800));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 60));
        var every = TimeSpan.FromSeconds(args.Number("sample", 5));
        var window = TimeSpan.FromSeconds(args.Number("window", 60));
        var maxGrowth = args.Number("max-growth", 5);
        var maxPauseP99 = args.Number("max-pause-p99", 20) / 1000;
        var connectionString = args.String("connection", ChatCommand.DefaultConnection);
        var label = args.String("label", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        var liveHeap = args.String("live-heap", "") is { Length: > 0 } command ? new LiveHeap(command, pids) : null;
        var csv = args.String("csv", Path.Combine(RepoFiles.Root(), "load", "out", $"soak-{DateTime.UtcNow:yyyyMMddTHHmmss}.csv"));
        if (liveHeap is not null && pids.Count != urls.Length)
            throw new ArgumentException("--live-heap needs --pids for every node");
        if (urls.Length != 2 || rate <= 0 || duration <= TimeSpan.Zero || every <= TimeSpan.Zero || window <= TimeSpan.Zero)
            throw new ArgumentException("soak needs two --urls and positive --rate, --duration, --sample and --window");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csv))!);
        if (!File.Exists(csv))
            await File.WriteAllTextAsync(csv, NodeSampler.CsvHeader + "\n");

        var tokens = DevTokens.FromFile(args.String("key", RepoFiles.SigningKeyPath()));
        await using var chat = await ChatPairs.ConnectDistanceAsync(pairs, urls, tokens, raw: false);
        using var sampler = new NodeSampler(urls, pids, csv, label, rate);
        var phase = "warmup";
        using var stopSampling = new CancellationTokenSource();
        await sampler.SampleAsync(phase);
        var sampling = sampler.RunAsync(every, () => Volatile.Read(ref phase), stopSampling.Token);

        var windows = new ChatWindows(chat, connectionString, TimeSpan.FromSeconds(15), () => MemoryStatus(sampler, chat));
        var errors = new StatusCounts();
        // At most five seconds' worth of sends in flight: beyond that the server has fallen over.
        var maxInFlight = (int)Math.Max(100, rate * 5);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {rate}/s cross-node over {pairs} rooms, {warmup.TotalSeconds:F0} s warm-up, {duration.TotalSeconds:F0} s measured; samples every {every.TotalSeconds:F0} s to {csv}"));
        windows.Rotate(counted: false);
        await OpenLoop.RunAsync(rate, warmup, maxInFlight, new Latency("warm-up"),
            (scheduled, ct) => chat.SendAsync(windows.Tag, scheduled, new StatusCounts(), ct), CancellationToken.None);

        // Between the loops, so the full GC it forces is in neither the warm-up's nor the measured pauses.
        var liveFrom = liveHeap is null ? null : await liveHeap.MeasureAsync();
        Volatile.Write(ref phase, "measured");
        windows.Rotate(counted: true);
        var measuredFrom = await sampler.SampleAsync(phase);
        var cpu = CpuTimes.Start(pids);
        var ack = new Latency("ack");
        var started = Stopwatch.GetTimestamp();
        using var stopRotating = new CancellationTokenSource();
        var rotating = RotateAsync(windows, window, started + (long)(duration.TotalSeconds * Stopwatch.Frequency), stopRotating.Token);
        await OpenLoop.RunAsync(rate, duration, maxInFlight, ack,
            (scheduled, ct) => chat.SendAsync(windows.Tag, scheduled, errors, ct), CancellationToken.None);
        await stopRotating.CancelAsync();
        await rotating;
        var cpuReport = cpu.Report(Stopwatch.GetElapsedTime(started), ack.Count);
        await windows.FinishAsync();
        var measuredTo = await sampler.SampleAsync(phase);
        await stopSampling.CancelAsync();
        await sampling;
        var liveTo = liveHeap is null ? null : await liveHeap.MeasureAsync();

        return Report(rate, duration, windows, ack, errors, Interlocked.Read(ref chat.Duplicates), cpuReport,
            sampler, measuredFrom, measuredTo, (liveFrom, liveTo), maxGrowth, maxPauseP99, csv) ? 0 : 1;
    }

    /// <summary>A new window every <paramref name="window"/>, unless less than half a window of the run is left (that rest joins the last one).</summary>
    private static async Task RotateAsync(ChatWindows windows, TimeSpan window, long end, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(window);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                if (Stopwatch.GetTimestamp() + (long)(window.TotalSeconds / 2 * Stopwatch.Frequency) < end)
                    windows.Rotate(counted: true);
        }
        catch (OperationCanceledException)
        {
            // the measured run is over
        }
    }

    private static bool Report(double rate, TimeSpan duration, ChatWindows windows, Latency ack, StatusCounts errors, long duplicates,
        string cpuReport, NodeSampler sampler, IReadOnlyList<NodeSample> from, IReadOnlyList<NodeSample> to, (double[]? From, double[]? To) live,
        double maxGrowth, double maxPauseP99, string csv)
    {
        var d = windows.Delivery;
        var perSecond = d.Count / duration.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chat  delivered {perSecond:F0}/s of {rate}/s  p50 {d.Milliseconds(50):F1}  p99 {d.Milliseconds(99):F1}  p99.9 {d.Milliseconds(99.9):F1}  max {d.MaxMilliseconds:F1} ms  " +
            $"ack p99 {ack.Milliseconds(99):F1} ms  acked {windows.Acked}  errors {ack.Errors} [{errors}]  dropped {ack.Dropped}  " +
            $"undelivered {windows.Undelivered}  duplicate deliveries {duplicates}  lost {windows.Lost}  stored-unacked {windows.StoredUnacked}  unsettled {windows.Unsettled}"));
        Console.WriteLine($"      {cpuReport}");
        var pass = SoakReport.Verdict(perSecond >= 0.99 * rate, string.Create(CultureInfo.InvariantCulture, $"throughput: {perSecond:F0} of {rate} msg/s delivered (at least 99 %)"));
        pass &= SoakReport.Verdict(ack.Errors == 0 && ack.Dropped == 0 && windows.Undelivered == 0 && duplicates == 0,
            $"every send acked and delivered once: {ack.Errors} errors, {ack.Dropped} dropped, {windows.Undelivered} undelivered, {duplicates} duplicate deliveries");
        pass &= SoakReport.Verdict(windows.Lost == 0 && windows.RoomsStoringTwice == 0,
            $"every acked message stored exactly once: {windows.Lost} lost, {windows.RoomsStoringTwice} room-windows storing one twice");
        for (var node = 1; node <= sampler.Nodes; node++)
        {
            var measured = sampler.Samples.Where(s => s.Node == node && s.Phase == "measured").ToList();
            var all = sampler.Samples.Where(s => s.Node == node).ToList();
            var (start, end) = (from[node - 1], to[node - 1]);
            var gen2 = SoakReport.Growth(measured.Select(s => s.Gen2Bytes));
            var rss = SoakReport.Growth(measured.Select(s => s.RssBytes));
            var p99 = SoakReport.Quantile(start.PauseBuckets, end.PauseBuckets, 0.99);
            var pauses = end.Pauses - start.Pauses;
            var gen2Text = string.Create(CultureInfo.InvariantCulture,
                $"node {node} gen2 heap growth after warm-up {SoakReport.Percent(gen2.Percent)} ({SoakReport.Megabytes(gen2.First)} -> {SoakReport.Megabytes(gen2.Last)} MB at the last collection, first and last tenth of {measured.Count} samples; below {maxGrowth} %)");
            if (live is ({ } liveFrom, { } liveTo))
            {
                // The heap at the last collection still holds promoted garbage: it is reported, and
                // the live heap judges.
                Console.WriteLine($"info  {gen2Text}");
                var growth = SoakReport.Growth([liveFrom[node - 1], liveTo[node - 1]]);
                pass &= SoakReport.Verdict(growth.Percent < maxGrowth, string.Create(CultureInfo.InvariantCulture,
                    $"node {node} live heap growth after warm-up {SoakReport.Percent(growth.Percent)} ({SoakReport.Megabytes(liveFrom[node - 1])} -> {SoakReport.Megabytes(liveTo[node - 1])} MB after a full GC, at the end of warm-up and of the run; below {maxGrowth} %)"));
            }
            else
            {
                pass &= SoakReport.Verdict(gen2.Percent < maxGrowth, gen2Text);
            }
            pass &= SoakReport.Verdict(rss.Percent < maxGrowth, string.Create(CultureInfo.InvariantCulture,
                $"node {node} RSS growth after warm-up {SoakReport.Percent(rss.Percent)} ({SoakReport.Megabytes(rss.First)} -> {SoakReport.Megabytes(rss.Last)} MB; below {maxGrowth} %)"));
            // No pause in the window (an idle node) passes: nothing was paused.
            pass &= SoakReport.Verdict(double.IsNaN(p99) ? pauses == 0 : p99 <= maxPauseP99, string.Create(CultureInfo.InvariantCulture,
                $"node {node} GC pause p99 {SoakReport.Milliseconds(p99)} ms over {pauses:F0} pauses, longest at most {SoakReport.Milliseconds(SoakReport.LongestAtMost(start.PauseBuckets, end.PauseBuckets))} ms, " +
                $"{end.PauseSeconds - start.PauseSeconds:F2} s in all (the runtime's own total: {end.RuntimePauseSeconds - start.RuntimePauseSeconds:F2} s; at most {maxPauseP99 * 1000} ms)"));
            pass &= SoakReport.Verdict(all.All(s => s.Alive), string.Create(CultureInfo.InvariantCulture,
                $"node {node} alive at all {all.Count} samples: peak heap {SoakReport.Megabytes(all.Max(s => s.HeapBytes))} MB, peak committed {SoakReport.Megabytes(all.Max(s => s.CommittedBytes))} MB, GC limit {SoakReport.Megabytes(end.MemoryLimitBytes)} MB, {end.Gen2Collections - start.Gen2Collections:F0} gen2 collections"));
        }
        Console.WriteLine($"samples: {csv}");
        return pass;
    }

    /// <summary>The nodes' latest sample, and what the driver itself holds (it must stay bounded however long the run).</summary>
    private static string MemoryStatus(NodeSampler sampler, ChatPairs chat) => string.Join("  ", sampler.Samples.TakeLast(sampler.Nodes).Select(s =>
        $"node {s.Node} gen2 {SoakReport.Megabytes(s.Gen2Bytes)} heap {SoakReport.Megabytes(s.HeapBytes)} RSS {SoakReport.Megabytes(s.RssBytes)} MB{(s.Alive ? "" : " DOWN")}")) +
        $"  | driver {chat.PendingCount} pending, heap {SoakReport.Megabytes(GC.GetTotalMemory(false))} MB";
}
