using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace Distance.Load.Common;

/// <summary>Latencies in microseconds (HdrHistogram, 3 significant digits) plus success and error counts.</summary>
public sealed class Latency(string name)
{
    private const long Highest = 120_000_000; // two minutes
    private readonly LongConcurrentHistogram histogram = new(1, Highest, 3);
    private long errors;
    private long dropped;

    public string Name { get; } = name;
    public long Count => histogram.TotalCount;
    public long Errors => Interlocked.Read(ref errors);
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Records one operation that began (or was due to begin) at <paramref name="startTimestamp"/>.</summary>
    public void Record(long startTimestamp, bool ok)
    {
        if (!ok)
        {
            Interlocked.Increment(ref errors);
            return;
        }
        var micros = (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
        histogram.RecordValue(Math.Clamp(micros, 1, Highest));
    }

    public void Drop() => Interlocked.Increment(ref dropped);

    /// <summary>Adds what <paramref name="other"/> recorded (e.g. one window of a long run into the whole run).</summary>
    public void Add(Latency other)
    {
        histogram.Add(other.histogram);
        Interlocked.Add(ref errors, other.Errors);
        Interlocked.Add(ref dropped, other.Dropped);
    }

    /// <summary>All of <paramref name="parts"/> in one: their latencies, errors and dropped operations.</summary>
    public static Latency Combine(string name, IEnumerable<Latency> parts)
    {
        var combined = new Latency(name);
        foreach (var part in parts)
            combined.Add(part);
        return combined;
    }

    public double Milliseconds(double percentile) => Count == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMilliseconds => Count == 0 ? double.NaN : histogram.GetMaxValue() / 1000.0;

    /// <summary>One line: completions per second, p50/p90/p99/p99.9/max in ms, errors and dropped.</summary>
    public string Summary(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-28} ok {Count,7}  {Count / elapsed.TotalSeconds,8:F1}/s  p50 {Milliseconds(50),8:F2}  p90 {Milliseconds(90),8:F2}  " +
        $"p99 {Milliseconds(99),8:F2}  p99.9 {Milliseconds(99.9),8:F2}  max {MaxMilliseconds,8:F2} ms  errors {Errors}  dropped {Dropped}");
}
