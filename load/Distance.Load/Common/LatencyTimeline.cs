using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Distance.Load.Common;

/// <summary>
/// Latencies per window of the run, by when the operation was due: shows a cold start's first
/// seconds apart from the steady state that a whole-run percentile mixes them into. Each window
/// also shows the driver's own GC pauses and JIT time in it: a driver that stops counts its own
/// stop in every latency it measures (they are open-loop, from the scheduled time).
/// </summary>
public sealed class LatencyTimeline
{
    private readonly long startTimestamp;
    private readonly TimeSpan window;
    private readonly List<Latency> windows = [];
    private readonly List<(TimeSpan Pause, TimeSpan Jit)> driver = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;

    public LatencyTimeline(long startTimestamp, TimeSpan window)
    {
        this.startTimestamp = startTimestamp;
        this.window = window;
        sampling = SampleDriverAsync(stop.Token);
    }

    public void Record(long scheduledTimestamp)
    {
        var index = (int)Math.Max(0, Stopwatch.GetElapsedTime(startTimestamp, scheduledTimestamp) / window);
        Latency latency;
        lock (gate)
        {
            while (windows.Count <= index)
                windows.Add(new Latency($"{windows.Count * window.TotalSeconds:0}-{(windows.Count + 1) * window.TotalSeconds:0} s"));
            latency = windows[index];
        }
        latency.Record(scheduledTimestamp, true);
    }

    /// <summary>Ends the sampling of the driver's pauses; the lines keep what was sampled.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await sampling;
    }

    /// <summary>One line per window: count, p50, p99, max, and the driver's GC pause and JIT time in it.</summary>
    public IEnumerable<string> Lines()
    {
        lock (gate)
            return windows.Select((w, i) => string.Create(CultureInfo.InvariantCulture,
                $"  {w.Name,-10} delivered {w.Count,7}  p50 {w.Milliseconds(50),8:F2}  p99 {w.Milliseconds(99),8:F2}  max {w.MaxMilliseconds,8:F1} ms{Driver(i)}")).ToList();
    }

    private string Driver(int index) => index < driver.Count
        ? string.Create(CultureInfo.InvariantCulture, $"  driver GC pause {driver[index].Pause.TotalMilliseconds,6:F1} ms  JIT {driver[index].Jit.TotalMilliseconds,6:F1} ms")
        : "";

    private async Task SampleDriverAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(window);
        var (pause, jit) = (GC.GetTotalPauseDuration(), JitInfo.GetCompilationTime());
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var (nowPause, nowJit) = (GC.GetTotalPauseDuration(), JitInfo.GetCompilationTime());
                lock (gate)
                    driver.Add((nowPause - pause, nowJit - jit));
                (pause, jit) = (nowPause, nowJit);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
