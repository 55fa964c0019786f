using Distance.Contracts;
using System.Diagnostics;
using Distance.Client.Development;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Drills;

/// <summary>What one chat drill run observed, for the verdicts.</summary>
public sealed record ChatRun(
    IReadOnlyList<DrillClient> Clients, SendLedger Ledger, IReadOnlyList<ProbeSample> Probes, FaultTimes Fault,
    double LoadStart, double LoadEnd, List<(long RoomId, long Seq, string? ClientMessageId)> History, int FinalSyncFailures,
    LimitBurst Limits);

/// <summary>
/// Steady chat across two nodes: each pair's first member is homed on node 1 and the second on
/// node 2 (failover proxies stand in for the load balancer), both send at the given rate, the fault
/// runs at its time, then sends are retried until acknowledged, every client syncs, and the
/// acknowledged messages are compared with MariaDB.
/// </summary>
public static class ChatDrill
{
    public static async Task<ChatRun> RunAsync(DrillOptions options, CancellationToken hard)
    {
        var clock = Stopwatch.StartNew();
        var seeder = new Seeder(options.Database, DevelopmentTokens.FromBase64(options.JwtKey), options.Nodes[0]);
        var pairs = await seeder.PairsAsync(options.Pairs, hard);
        var members = await seeder.MembersAsync(2, hard);
        var (probeMember, limitMember) = (members[0], members[1]);
        Console.WriteLine($"  seeded {pairs.Count} rooms in {Stats.S(clock.Elapsed.TotalMilliseconds)}");

        var (node1, node2) = (options.Nodes[0], options.Nodes[1]);
        await using var homeOn1 = new FailoverProxy([node1, node2]);
        await using var homeOn2 = new FailoverProxy([node2, node1]);
        var ledger = new SendLedger(clock);
        var clients = pairs.SelectMany(p => new[]
        {
            new DrillClient(p.A, p.RoomId, homeOn1.Address, clock, (c, m) => ledger.Delivered(m, c.Member.Id)),
            new DrillClient(p.B, p.RoomId, homeOn2.Address, clock, (c, m) => ledger.Delivered(m, c.Member.Id)),
        }).ToList();
        foreach (var batch in clients.Chunk(10))
            await Task.WhenAll(batch.Select(c => c.StartAsync(hard).WaitAsync(TimeSpan.FromSeconds(30), hard)));
        Console.WriteLine($"  {clients.Count} clients connected and synced in {Stats.S(clock.Elapsed.TotalMilliseconds)}");

        using var stopProbes = CancellationTokenSource.CreateLinkedTokenSource(hard);
        var probes = new Probes(options.Nodes, probeMember.Token, clock);
        var probing = probes.RunAsync(stopProbes.Token);

        var loadStart = clock.Elapsed.TotalMilliseconds;
        using var stopNew = CancellationTokenSource.CreateLinkedTokenSource(hard);
        stopNew.CancelAfter(options.Duration);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(hard);
        giveUp.CancelAfter(options.Duration + options.Grace);
        var senders = clients.Select(c => Sender.RunAsync(c, ledger, options.Rate, stopNew.Token, giveUp.Token)).ToList();
        var fault = FaultScript.RunAsync(options, clock, loadStart, hard);
        await Task.WhenAll(senders);
        var loadEnd = clock.Elapsed.TotalMilliseconds;
        var times = await fault;

        // Let reconnects finish (bounded), then every client catches up once more.
        var settle = Stopwatch.StartNew();
        while (clients.Any(c => c.Connection.State != HubConnectionState.Connected && !c.GaveUp) && settle.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100, hard);
        await Task.Delay(TimeSpan.FromSeconds(1), hard); // the last live deliveries in flight
        await stopProbes.CancelAsync();
        await probing;

        var finalSyncFailures = 0;
        foreach (var batch in clients.Chunk(10))
            await Task.WhenAll(batch.Select(async c =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hard);
                    timeout.CancelAfter(TimeSpan.FromSeconds(30));
                    await c.SyncAsync(timeout.Token);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref finalSyncFailures);
                }
            }));
        // After the fault and the recovery: do the limits hold across the cluster again?
        var limits = await LimitProbe.BurstAsync(options.Nodes, limitMember.Token, 20, hard);
        var history = await seeder.HistoryAsync(pairs.Select(p => p.RoomId), hard);
        foreach (var batch in clients.Chunk(20))
            await Task.WhenAll(batch.Select(c => c.StopAsync()));
        return new ChatRun(clients, ledger, probes.Samples.ToList(), times, loadStart, loadEnd, history, finalSyncFailures, limits);
    }
}
