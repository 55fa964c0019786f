using System.Diagnostics;
using Distance.Client.Development;

namespace Distance.Drills;

/// <summary>
/// A member whose client stops reading its socket (on node 1) while the opponent (on node 2) floods
/// their room with long messages. Node 1 must not buffer that flood without bound: its memory is
/// sampled throughout, and the slow connection should be closed by the server. A control pair in
/// another room (one member on each node) must keep getting its messages live meanwhile.
/// </summary>
public static class SlowConsumerDrill
{
    private const int FloodConnections = 8;

    public static async Task<int> RunAsync(DrillOptions options, CancellationToken hard)
    {
        var verdict = new Verdict("slow-consumer");
        var clock = Stopwatch.StartNew();
        var (node1, node2) = (options.Nodes[0], options.Nodes[1]);
        var seeder = new Seeder(options.Database, DevelopmentTokens.FromBase64(options.JwtKey), node1);
        var pairs = await seeder.PairsAsync(2, hard);
        var (flood, control) = (pairs[0], pairs[1]);
        var ledger = new SendLedger(clock);

        var memory = new MemorySampler(node1, options.NodePids[0], clock);
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(hard);
        var sampling = memory.RunAsync(stopSampling.Token);

        await using var slow = await SlowSocket.ConnectAsync(node1, flood.A.Token, hard);
        using var stopPinging = CancellationTokenSource.CreateLinkedTokenSource(hard);
        var pinging = slow.KeepPingingAsync(() => clock.Elapsed.TotalMilliseconds, stopPinging.Token);
        var floodClients = Enumerable.Range(0, FloodConnections)
            .Select(_ => new DrillClient(flood.B, flood.RoomId, node2, clock, (_, _) => { })).ToList();
        var receiver = new DrillClient(control.A, control.RoomId, node1, clock, (c, m) => ledger.Delivered(m, c.Member.Id));
        var talker = new DrillClient(control.B, control.RoomId, node2, clock, (_, _) => { });
        foreach (var client in floodClients.Append(receiver).Append(talker))
            await client.StartAsync(hard);
        await Task.Delay(TimeSpan.FromSeconds(3), hard); // the baseline, with everyone connected
        var floodStart = clock.Elapsed.TotalMilliseconds;

        using var stopNew = CancellationTokenSource.CreateLinkedTokenSource(hard);
        stopNew.CancelAfter(options.Duration);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(hard);
        giveUp.CancelAfter(options.Duration + TimeSpan.FromSeconds(15));
        var floodLedger = new SendLedger(clock);
        var text = string.Concat(Enumerable.Repeat("느린소비자를버티는서버", 48))[..480]; // ~2.9 KB as SignalR JSON (\uXXXX escapes)
        var flooding = floodClients.Select(c => FloodAsync(c, floodLedger, text, stopNew.Token, giveUp.Token)).ToList();
        var chatting = Sender.RunAsync(talker, ledger, options.Rate, stopNew.Token, giveUp.Token);
        await Task.WhenAll(flooding.Append(chatting));
        var floodEnd = clock.Elapsed.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(2), hard);
        await stopPinging.CancelAsync();
        await pinging;
        await stopSampling.CancelAsync();
        await sampling;

        var samples = memory.Samples.ToList();
        var baseline = samples.Where(s => s.At < floodStart).ToList();
        var (heap0, rss0) = (baseline.Min(s => s.HeapBytes), baseline.Min(s => s.RssBytes));
        var peakHeap = samples.Max(s => s.HeapBytes) - heap0;
        var peakRss = samples.Max(s => s.RssBytes) - rss0;
        var acked = floodLedger.All.Count(s => s.Seq is not null);
        var pushed = acked * (double)(text.Length * 6 + 200);

        // The server, not the client's own ping timeout, must be the one that closed it.
        var closedByServer = slow.ClosedAt >= 0 && slow.ClosedBecause?.StartsWith("WebSocketException", StringComparison.Ordinal) == true;
        var closedAfter = slow.ClosedAt - floodStart;
        verdict.Check("the server closed the connection that stopped reading (within 45 s)", closedByServer && closedAfter < 45_000,
            slow.ClosedAt < 0 ? "still open at the end" : $"{Stats.S(closedAfter)} after the flood began ({slow.ClosedBecause})");
        // What the node holds for the slow member is what arrived before the send timeout closed it
        // (rate × time to close), not the flood: a fixed ceiling, far below what the flood would need.
        var limit = options.Double("heap-limit-mb", 200) * 1024 * 1024;
        verdict.Check($"node 1's GC heap stayed under {Stats.Mb(limit)} above its baseline", peakHeap < limit,
            $"GC heap peak +{Stats.Mb(peakHeap)} (RSS +{Stats.Mb(peakRss)}) for ~{Stats.Mb(pushed)} pushed");
        // Once it is closed, the node must stop growing although the flood goes on (the heap is
        // read after each collection, so compare peaks: before the close plus a settling margin, and after).
        var settled = slow.ClosedAt + 5000;
        var before = samples.Where(s => s.At <= settled).Select(s => s.HeapBytes).DefaultIfEmpty(double.NaN).Max() - heap0;
        var after = samples.Where(s => s.At > settled && s.At <= floodEnd).Select(s => s.HeapBytes).DefaultIfEmpty(double.NaN).Max() - heap0;
        var floodAfterClose = floodLedger.All.Count(s => s.Seq is not null && s.AckedAt > settled);
        verdict.Check("node 1 stopped growing once the slow connection was gone, while the flood went on",
            closedByServer && floodAfterClose > 1000 && after <= before + 8 * 1024 * 1024,
            $"peak +{Stats.Mb(before)} until the close, +{Stats.Mb(after)} after it, {floodAfterClose} messages flooded after it");
        var delivered = ledger.All.Where(s => s.Seq is not null).ToList();
        var live = delivered.Count(s => s.DeliveredAt >= 0);
        var p99 = Stats.Percentile(ledger.Deliveries.Select(d => d.Ms), 99);
        verdict.Check("the control pair kept chatting live (all delivered, p99 < 2 s)", delivered.Count > 0 && live == delivered.Count && p99 < 2000,
            $"{live}/{delivered.Count} live, p99 {Stats.Ms(p99)}");
        verdict.Figure($"pushed={Stats.Mb(pushed)} ({acked} msgs, {acked / ((floodEnd - floodStart) / 1000):0}/s)");
        verdict.Figure($"closed_after={(slow.ClosedAt < 0 ? "never" : Stats.S(closedAfter))}");
        verdict.Figure($"heap_peak=+{Stats.Mb(peakHeap)} rss_peak=+{Stats.Mb(peakRss)} heap_after_close=+{Stats.Mb(after)} control_p99={Stats.Ms(p99)}");

        foreach (var client in floodClients.Append(receiver).Append(talker))
            await client.StopAsync();
        return verdict.Print();
    }

    /// <summary>Sends the long text back to back (one call at a time per connection), each acked before the next.</summary>
    private static async Task FloodAsync(DrillClient client, SendLedger ledger, string text, CancellationToken stopNew, CancellationToken giveUp)
    {
        while (!stopNew.IsCancellationRequested)
            await Sender.SendOneAsync(client, ledger, text, giveUp);
    }
}
