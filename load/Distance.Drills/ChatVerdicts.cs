namespace Distance.Drills;

/// <summary>What every chat drill must show, whatever the fault: nothing acknowledged lost or doubled, every client caught up.</summary>
public static class ChatVerdicts
{
    public static void Common(ChatRun run, Verdict verdict)
    {
        var acked = run.Ledger.All.Where(s => s.Seq is not null).ToList();
        var stored = run.History.ToDictionary(h => (h.RoomId, h.Seq), h => h.ClientMessageId);
        var timesStored = run.History.Where(h => h.ClientMessageId is not null)
            .GroupBy(h => (h.RoomId, h.ClientMessageId)).ToDictionary(g => g.Key, g => g.Count());
        var lost = acked.Count(s => !stored.TryGetValue((s.RoomId, s.Seq!.Value), out var id) || id != s.ClientMessageId);
        var doubled = acked.Count(s => timesStored.GetValueOrDefault((s.RoomId, s.ClientMessageId)) > 1);
        verdict.Check("every acknowledged message is stored exactly once, at its seq", lost == 0 && doubled == 0,
            $"{acked.Count} acked, {lost} missing or moved, {doubled} stored twice");

        var gaps = run.History.GroupBy(h => h.RoomId).Count(g => g.Select(h => h.Seq).Order().Select((seq, i) => seq != i + 1).Any(x => x));
        verdict.Check("room histories have no gaps", gaps == 0, $"{gaps} rooms with a gap");

        var seqsByRoom = run.History.GroupBy(h => h.RoomId).ToDictionary(g => g.Key, g => g.Select(h => h.Seq).ToHashSet());
        var behind = run.Clients.Count(c => seqsByRoom.GetValueOrDefault(c.RoomId, []).Except(c.Seen).Any());
        verdict.Check("every client holds its room's whole history (live or through SyncRoom)", behind == 0 && run.FinalSyncFailures == 0,
            $"{behind} clients missing messages, {run.FinalSyncFailures} final syncs failed");

        var fatal = run.Ledger.Fatal.GroupBy(f => f).Select(g => $"{g.Key}×{g.Count()}").ToList();
        verdict.Check("every send ended acknowledged (retries with the same clientMessageId)", run.Ledger.Abandoned == 0 && fatal.Count == 0,
            $"{run.Ledger.Abandoned} abandoned, errors outside the retryable set: {(fatal.Count == 0 ? "none" : string.Join(", ", fatal))}");

        var hung = run.Ledger.Failures.Count(f => f.Outcome == "timeout");
        verdict.Check("no hub call hung", hung == 0, $"{hung} calls without an answer within {Sender.AttemptTimeout.TotalSeconds:0}s");

        var gaveUp = run.Clients.Count(c => c.GaveUp);
        verdict.Check("no client gave up reconnecting", gaveUp == 0, $"{gaveUp} clients closed for good");

        var server500 = run.Probes.Count(p => p.Status >= 500 && p.Status != 503);
        verdict.Check("no HTTP 5xx other than 503", server500 == 0, $"{server500} such answers");
        var bare = run.Probes.Count(p => p is { Kind: "api", Status: >= 400 } && (!p.IsProblem || p.Code is null));
        verdict.Check("every API error is ProblemDetails with a code", bare == 0, $"{bare} without");

        var seconds = (run.LoadEnd - run.LoadStart) / 1000;
        verdict.Figure($"acked={acked.Count} ({acked.Count / seconds:0}/s)");
        verdict.Figure($"send_p50={Stats.Ms(Stats.Percentile(run.Ledger.FirstTryAcks.Select(a => a.Ms), 50))}");
        verdict.Figure($"send_p99={Stats.Ms(Stats.Percentile(run.Ledger.FirstTryAcks.Select(a => a.Ms), 99))}");
        verdict.Figure($"delivery_p99={Stats.Ms(Stats.Percentile(run.Ledger.Deliveries.Select(d => d.Ms), 99))}");
        var outcomes = run.Ledger.Failures.GroupBy(f => f.Outcome).Select(g => $"{g.Key}:{g.Count()}");
        verdict.Figure($"failed_attempts={{{string.Join(",", outcomes)}}}");
    }

    /// <summary>Failed attempts that started inside [from, to] (drill clock, ms).</summary>
    public static List<FailedAttempt> FailuresBetween(ChatRun run, double from, double to) =>
        run.Ledger.Failures.Where(f => f.At >= from && f.At <= to).ToList();

    /// <summary>Time from <paramref name="after"/> to the first acknowledgement of an attempt begun after it.</summary>
    public static double FirstAckAfter(ChatRun run, double after) =>
        run.Ledger.All.Where(s => s.Seq is not null && s.AckedAt >= after).Select(s => s.AckedAt - after).DefaultIfEmpty(double.NaN).Min();

    /// <summary>Time from <paramref name="after"/> to the first live delivery of a message first sent after it (the backplane works again).</summary>
    public static double FirstDeliveryAfter(ChatRun run, double after) =>
        run.Ledger.All.Where(s => s.FirstAt >= after && s.DeliveredAt >= 0).Select(s => s.DeliveredAt - after).DefaultIfEmpty(double.NaN).Min();

    /// <summary>
    /// Readiness of each node: ms from <paramref name="after"/> until an answer with
    /// <paramref name="status"/> came back (a probe sent a little earlier counts by when it answered).
    /// </summary>
    public static double[] ReadinessAfter(ChatRun run, double sentFrom, double after, int status, int nodes) =>
        Enumerable.Range(1, nodes).Select(n => run.Probes
            .Where(p => p.Kind == "ready" && p.Node == n && p.At >= sentFrom && p.At + p.Ms >= after && p.Status == status)
            .Select(p => Math.Max(0, p.At + p.Ms - after)).DefaultIfEmpty(double.NaN).Min()).ToArray();
}
