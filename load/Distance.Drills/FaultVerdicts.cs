namespace Distance.Drills;

/// <summary>What each fault drill must show on top of <see cref="ChatVerdicts.Common"/>.</summary>
public static class FaultVerdicts
{
    /// <summary>kill -9 of node 1: its clients reconnect to node 2 and catch up with SyncRoom.</summary>
    public static void KillNode(ChatRun run, Verdict verdict)
    {
        var homedOn1 = run.Clients.Where((_, i) => i % 2 == 0).ToList();
        var reconnected = homedOn1.Count(c => c.Reconnects.Count > 0);
        verdict.Check("every client of the killed node reconnected", reconnected == homedOn1.Count, $"{reconnected}/{homedOn1.Count}");
        var first = homedOn1.SelectMany(c => c.Reconnects.Take(1)).ToList();
        var back = first.Select(r => r.ReconnectedAt - r.LostAt).ToList();
        var caughtUp = first.Select(r => r.CaughtUpAt - r.LostAt).ToList();
        var p99 = Stats.Percentile(caughtUp, 99);
        verdict.Check("reconnect and catch-up p99 under 15 s", p99 < 15_000, Stats.Ms(p99));
        verdict.Check("every reconnect's SyncRoom succeeded", first.All(r => r.CaughtUpMessages >= 0),
            $"{first.Count(r => r.CaughtUpMessages < 0)} failed");
        verdict.Figure($"reconnect_p50={Stats.Ms(Stats.Percentile(back, 50))} reconnect_p99={Stats.Ms(Stats.Percentile(back, 99))}");
        verdict.Figure($"caught_up_p50={Stats.Ms(Stats.Percentile(caughtUp, 50))} caught_up_p99={Stats.Ms(p99)}");
        verdict.Figure($"synced_after_reconnect={first.Where(r => r.CaughtUpMessages > 0).Sum(r => r.CaughtUpMessages)}");
    }

    /// <summary>Redis stopped and started again: sends fail fast meanwhile, the backplane comes back by itself.</summary>
    public static void RedisRestart(ChatRun run, Verdict verdict)
    {
        Outage(run, verdict, failFastMs: 1000, recoverMs: 10_000);
        LimitsHold(run, verdict);
    }

    /// <summary>
    /// After Redis came back, a burst of 20 requests alternating between the nodes is limited by one
    /// cluster-wide bucket (10, plus at most one refill during the burst), not by a bucket per node.
    /// </summary>
    private static void LimitsHold(ChatRun run, Verdict verdict)
    {
        var l = run.Limits;
        verdict.Check("rate limits hold across the cluster again after the fault (one bucket, not one per node)",
            l.NoAnswer == 0 && l.Allowed is >= 1 and <= 11 && l.RefusedPerNode.All(r => r > 0),
            $"{l.Allowed} of {l.Sent} allowed, refused per node {string.Join("/", l.RefusedPerNode)}, {l.NoAnswer} unanswered");
    }

    /// <summary>MariaDB stopped for a while: sends and DB routes fail fast, readiness red then green, sends recover.</summary>
    public static void MariaDbOutage(ChatRun run, Verdict verdict) => Outage(run, verdict, failFastMs: 2000, recoverMs: 15_000);

    private static void Outage(ChatRun run, Verdict verdict, double failFastMs, double recoverMs)
    {
        var (down, up) = (run.Fault.FaultEnd, run.Fault.RestoreEnd);
        var during = ChatVerdicts.FailuresBetween(run, down, run.Fault.RestoreStart);
        var failP99 = Stats.Percentile(during.Select(f => f.Ms), 99);
        var codes = during.GroupBy(f => f.Outcome).Select(g => $"{g.Key}:{g.Count()}").ToList();
        verdict.Check("sends during the outage were refused", during.Count > 0 && during.All(f => f.Outcome == "unavailable"),
            codes.Count == 0 ? "no send failed during the outage" : string.Join(", ", codes));
        verdict.Check($"refusals were fast (p99 < {failFastMs:0} ms)", failP99 < failFastMs, Stats.Ms(failP99));

        var api = run.Probes.Where(p => p.Kind == "api" && p.At >= down && p.At + p.Ms <= run.Fault.RestoreStart).ToList();
        var apiP99 = Stats.Percentile(api.Select(p => p.Ms), 99);
        var statuses = api.GroupBy(p => $"{p.Status}/{p.Code ?? "-"}").Select(g => $"{g.Key}:{g.Count()}");
        verdict.Check("GET /api/rooms during the outage answered 503 unavailable quickly",
            api.Count > 0 && api.All(p => p is { Status: 503, Code: "unavailable" }) && apiP99 < failFastMs,
            $"{string.Join(", ", statuses)}; p99 {Stats.Ms(apiP99)}");

        var red = ChatVerdicts.ReadinessAfter(run, run.Fault.FaultStart, down, 503, 2);
        var green = ChatVerdicts.ReadinessAfter(run, run.Fault.RestoreStart, up, 200, 2);
        verdict.Check("readiness went red on both nodes", red.All(t => t < 10_000), string.Join(" / ", red.Select(Stats.Ms)));
        verdict.Check("readiness went green again on both nodes", green.All(t => t < recoverMs), string.Join(" / ", green.Select(Stats.Ms)));

        var firstAck = ChatVerdicts.FirstAckAfter(run, up);
        var firstDelivery = ChatVerdicts.FirstDeliveryAfter(run, up);
        verdict.Check($"sends and cross-node delivery recovered by themselves within {recoverMs / 1000:0} s",
            firstAck < recoverMs && firstDelivery < recoverMs, $"first ack {Stats.Ms(firstAck)}, first delivery {Stats.Ms(firstDelivery)} after the restart");
        // Two seconds after the first ack, everything sent should again arrive live.
        var laterSends = run.Ledger.All.Where(s => s.Seq is not null && s.FirstAt > up + firstAck + 2000).ToList();
        var liveShare = laterSends.Count == 0 ? 0 : laterSends.Count(s => s.DeliveredAt >= 0) / (double)laterSends.Count;
        verdict.Check("after recovery messages arrive live again (≥ 99 %)", liveShare >= 0.99, $"{liveShare:P1} of {laterSends.Count}");

        verdict.Figure($"outage={Stats.S(run.Fault.RestoreStart - down)} refusals={during.Count} refusal_p99={Stats.Ms(failP99)} api503_p99={Stats.Ms(apiP99)}");
        verdict.Figure($"ready_red={string.Join("/", red.Select(Stats.Ms))} ready_green={string.Join("/", green.Select(Stats.Ms))}");
        verdict.Figure($"first_ack_after_restart={Stats.Ms(firstAck)} first_delivery_after_restart={Stats.Ms(firstDelivery)}");
    }

    /// <summary>
    /// kill -9 of the Redis primary behind Sentinel: sends fail fast with "unavailable" until the
    /// nodes follow the promoted replica, and chat resumes within 10 s of the kill.
    /// </summary>
    public static void RedisFailover(ChatRun run, Verdict verdict)
    {
        var killed = run.Fault.FaultEnd;
        var firstAck = ChatVerdicts.FirstAckAfter(run, killed);
        var firstDelivery = ChatVerdicts.FirstDeliveryAfter(run, killed);
        // The whole 10 s the promotion may take: a send in flight can be acknowledged a millisecond
        // after the kill (by MariaDB; Redis was not needed yet), long before the nodes switch.
        var during = ChatVerdicts.FailuresBetween(run, run.Fault.FaultStart, killed + 10_000);
        var failP99 = Stats.Percentile(during.Select(f => f.Ms), 99);
        var codes = during.GroupBy(f => f.Outcome).Select(g => $"{g.Key}:{g.Count()}").ToList();
        verdict.Check("sends during the failover were refused with unavailable", during.All(f => f.Outcome == "unavailable"),
            codes.Count == 0 ? "no send failed" : string.Join(", ", codes));
        verdict.Check("refusals were fast (p99 < 1000 ms)", during.Count == 0 || failP99 < 1000, Stats.Ms(failP99));
        verdict.Check("chat resumed within 10 s of the kill (ack and cross-node delivery)", firstAck < 10_000 && firstDelivery < 10_000,
            $"first ack {Stats.Ms(firstAck)}, first delivery {Stats.Ms(firstDelivery)} after the kill");
        // The first delivery can come before the backplane has switched (a node whose subscription
        // was on the replica); from the 10 s bound on, every connection has followed the promotion.
        var laterSends = run.Ledger.All.Where(s => s.Seq is not null && s.FirstAt > killed + 10_000).ToList();
        var liveShare = laterSends.Count == 0 ? 0 : laterSends.Count(s => s.DeliveredAt >= 0) / (double)laterSends.Count;
        verdict.Check("10 s after the kill messages arrive live again (≥ 99 %)", liveShare >= 0.99, $"{liveShare:P1} of {laterSends.Count}");
        var slowest = Stats.Percentile(run.Ledger.All.Where(s => s.Seq is not null && s.FirstAt >= killed && s.FirstAt <= killed + 10_000)
            .Select(s => s.AckedAt - s.FirstAt), 100);
        LimitsHold(run, verdict);
        verdict.Figure($"slowest_ack_sent_during_failover={Stats.Ms(slowest)}");
        verdict.Figure($"refusals={during.Count} refusal_p99={Stats.Ms(failP99)} first_ack_after_kill={Stats.Ms(firstAck)} first_delivery_after_kill={Stats.Ms(firstDelivery)}");
    }

    /// <summary>SIGTERM of node 1 under load: in-flight sends complete or fail cleanly, its clients move to node 2.</summary>
    public static void Sigterm(ChatRun run, Verdict verdict)
    {
        var stopTook = run.Fault.FaultEnd - run.Fault.FaultStart;
        verdict.Check("the node stopped within its shutdown timeout (20 s)", stopTook < 22_000, Stats.Ms(stopTook));
        var around = ChatVerdicts.FailuresBetween(run, run.Fault.FaultStart - 1000, run.Fault.FaultEnd + 5000);
        var unclean = around.Count(f => f.Outcome is not ("unavailable" or "connection_lost"));
        verdict.Check("sends in flight at the stop failed cleanly (unavailable or a closed connection) or completed", unclean == 0,
            string.Join(", ", around.GroupBy(f => f.Outcome).Select(g => $"{g.Key}:{g.Count()}")));
        var homedOn1 = run.Clients.Where((_, i) => i % 2 == 0).ToList();
        var moved = homedOn1.Count(c => c.Reconnects.Count > 0);
        verdict.Check("every client of the stopped node reconnected", moved == homedOn1.Count, $"{moved}/{homedOn1.Count}");
        var caughtUp = homedOn1.SelectMany(c => c.Reconnects.Take(1)).Select(r => r.CaughtUpAt - r.LostAt).ToList();
        verdict.Figure($"stop_took={Stats.Ms(stopTook)} failed_around_stop={around.Count}");
        verdict.Figure($"caught_up_p50={Stats.Ms(Stats.Percentile(caughtUp, 50))} caught_up_p99={Stats.Ms(Stats.Percentile(caughtUp, 99))}");
    }
}
