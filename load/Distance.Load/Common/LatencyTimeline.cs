using System.Diagnostics;
using System.Globalization;

namespace Distance.Load.Common;

/// <summary>
/// Latencies per window of the run, by when the operation was due: shows a cold start's first
/// seconds apart from the steady state that a whole-run percentile mixes them into.
/// </summary>
public sealed class LatencyTimeline(long startTimestamp, TimeSpan window)
{
    private readonly List<Latency> windows = [];
    private readonly Lock gate = new();

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

    /// <summary>One line per window: count, p50, p99, max.</summary>
    public IEnumerable<string> Lines()
    {
        lock (gate)
            return windows.Select(w => string.Create(CultureInfo.InvariantCulture,
                $"  {w.Name,-10} delivered {w.Count,7}  p50 {w.Milliseconds(50),8:F2}  p99 {w.Milliseconds(99),8:F2}  max {w.MaxMilliseconds,8:F1} ms")).ToList();
    }
}
