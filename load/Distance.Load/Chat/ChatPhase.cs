using System.Diagnostics;
using System.Globalization;
using Distance.Load.Common;

namespace Distance.Load.Chat;

/// <summary>What one phase of sends came to; <see cref="Lost"/> and the stored counts only when it was checked in MariaDB.</summary>
public sealed record ChatPhaseResult(
    Latency Ack, Latency Delivery, StatusCounts Errors, TimeSpan Elapsed, string? Cpu,
    long Acked, long Undelivered, long Duplicates, long Lost, long StoredUnacked, long RoomsStoringTwice, LatencyTimeline? Timeline = null);

/// <summary>
/// One phase of chat at a fixed offered rate (open model): sends are scheduled, delivery latency
/// counts from the scheduled send to MessageReceived at the other member, and deliveries still on
/// their way get ten seconds after the last send. With a connection string, every acked message of
/// the phase is then looked up in MariaDB: stored exactly once in its room, or counted as lost
/// (client ids carry a per-phase tag).
/// </summary>
public static class ChatPhase
{
    public static async Task<ChatPhaseResult> RunAsync(ChatPairs target, Latency delivery, double rate, TimeSpan duration,
        string? verifyConnection, CpuTimes? cpu, CancellationToken cancellationToken, TimeSpan? timelineWindow = null)
    {
        // Never 00000000: seeded history uses that prefix.
        var runTag = Random.Shared.Next(1, int.MaxValue).ToString("x8", CultureInfo.InvariantCulture);
        var ack = new Latency("ack");
        var errors = new StatusCounts();
        target.Delivery = delivery;
        // Duplicates count over the target's life; the phase reports its own.
        var duplicatesBefore = Interlocked.Read(ref target.Duplicates);
        var started = Stopwatch.GetTimestamp();
        target.Timeline = timelineWindow is { } window ? new LatencyTimeline(started, window) : null;
        // At most five seconds' worth of sends in flight: beyond that the server has fallen over.
        await OpenLoop.RunAsync(rate, duration, (int)Math.Max(100, rate * 5), ack,
            (scheduled, ct) => target.SendAsync(runTag, scheduled, errors, ct), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuReport = cpu?.Report(elapsed, ack.Count);
        for (var i = 0; i < 100 && target.UndeliveredNow(runTag) > 0; i++)
            await Task.Delay(100, CancellationToken.None);
        target.Delivery = null;
        var timeline = target.Timeline;
        target.Timeline = null;
        if (timeline is not null)
            await timeline.StopAsync();
        var duplicates = Interlocked.Read(ref target.Duplicates) - duplicatesBefore;
        var harvested = target.Harvest(runTag);

        long lost = 0, extra = 0, twice = 0;
        if (verifyConnection is not null)
            (lost, extra, twice) = await ChatSeed.VerifyAsync(verifyConnection, runTag, target.Pairs, harvested.AckedByRoom, harvested.Acked);
        return new ChatPhaseResult(ack, delivery, errors, elapsed, cpuReport, harvested.Acked, harvested.Undelivered, duplicates, lost, extra, twice, timeline);
    }

    /// <summary>Delivery percentiles, ack p99 and every count, on one line.</summary>
    public static string Summary(ChatPhaseResult r, TimeSpan duration) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Delivery.Name,-22} delivered {r.Delivery.Count / duration.TotalSeconds,7:F0}/s  p50 {r.Delivery.Milliseconds(50),7:F2}  p99 {r.Delivery.Milliseconds(99),7:F2}  " +
        $"p99.9 {r.Delivery.Milliseconds(99.9),7:F2}  max {r.Delivery.MaxMilliseconds,7:F1} ms  ack p99 {r.Ack.Milliseconds(99),7:F2} ms  " +
        $"acked {r.Acked}  errors {r.Ack.Errors} [{r.Errors}]  dropped {r.Ack.Dropped}  " +
        $"undelivered {r.Undelivered}  duplicate deliveries {r.Duplicates}  lost {r.Lost}  stored-unacked {r.StoredUnacked}");
}
