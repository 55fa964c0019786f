using System.Globalization;

namespace Distance.Load.Soak;

/// <summary>The soak's verdicts: memory growth after warm-up and the GC pause p99 per node, from the samples.</summary>
internal static class SoakReport
{
    /// <summary>
    /// Growth of a measured series: the mean of its last tenth against the mean of its first tenth
    /// (at least one sample each), so one collection's sawtooth does not decide it. Percent; NaN
    /// with fewer than two samples.
    /// </summary>
    public static (double First, double Last, double Percent) Growth(IEnumerable<double> series)
    {
        var values = series.Where(v => !double.IsNaN(v)).ToList();
        if (values.Count < 2)
            return (double.NaN, double.NaN, double.NaN);
        var tenth = Math.Max(1, (int)Math.Ceiling(values.Count * 0.1));
        var first = values.Take(tenth).Average();
        var last = values.TakeLast(tenth).Average();
        return (first, last, first <= 0 ? double.NaN : 100 * (last - first) / first);
    }

    /// <summary>
    /// A quantile of the pauses between two samples of the cumulative histogram, interpolated
    /// inside its bucket like Prometheus's histogram_quantile (the highest finite bound if it falls
    /// in +Inf). Seconds; NaN without pauses.
    /// </summary>
    public static double Quantile(IReadOnlyList<(double UpperBound, double Count)> before, IReadOnlyList<(double UpperBound, double Count)> after, double quantile)
    {
        var delta = after.Select(b => (b.UpperBound, Count: b.Count - before.Where(x => x.UpperBound == b.UpperBound).Sum(x => x.Count))).ToList();
        if (delta.Count == 0 || delta[^1].Count <= 0)
            return double.NaN;
        var rank = quantile * delta[^1].Count;
        double lowerBound = 0, lowerCount = 0;
        foreach (var (bound, count) in delta)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound))
                    return lowerBound;
                return count == lowerCount ? bound : lowerBound + (bound - lowerBound) * (rank - lowerCount) / (count - lowerCount);
            }
            (lowerBound, lowerCount) = (bound, count);
        }
        return lowerBound;
    }

    /// <summary>The upper bound of the bucket holding the longest pause between two samples (seconds).</summary>
    public static double LongestAtMost(IReadOnlyList<(double UpperBound, double Count)> before, IReadOnlyList<(double UpperBound, double Count)> after)
    {
        var total = after.Count == 0 ? 0 : after[^1].Count - before.Where(b => double.IsPositiveInfinity(b.UpperBound)).Sum(b => b.Count);
        foreach (var (bound, count) in after)
            if (count - before.Where(b => b.UpperBound == bound).Sum(b => b.Count) >= total)
                return total <= 0 ? double.NaN : bound;
        return double.NaN;
    }

    /// <summary>Prints "PASS"/"FAIL" and what was measured against what was wanted; returns whether it passed.</summary>
    public static bool Verdict(bool pass, string text)
    {
        Console.WriteLine($"{(pass ? "PASS" : "FAIL")}  {text}");
        return pass;
    }

    public static string Megabytes(double bytes) => double.IsNaN(bytes) ? "?" : (bytes / 1048576).ToString("F1", CultureInfo.InvariantCulture);

    public static string Percent(double value) => double.IsNaN(value) ? "n/a" : value.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " %";

    public static string Milliseconds(double seconds) => double.IsNaN(seconds) ? "n/a" : (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture);
}
