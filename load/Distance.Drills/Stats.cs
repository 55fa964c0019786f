using System.Globalization;

namespace Distance.Drills;

public static class Stats
{
    /// <summary>Nearest-rank percentile; NaN for no samples.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0", CultureInfo.InvariantCulture) + "ms";

    public static string S(double milliseconds) =>
        double.IsNaN(milliseconds) ? "n/a" : (milliseconds / 1000).ToString("0.0", CultureInfo.InvariantCulture) + "s";

    public static string Mb(double bytes) => (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + "MB";
}

/// <summary>The checks of one drill run and the figures it reports; prints the summary line last.</summary>
public sealed class Verdict(string drill)
{
    private readonly List<(string Name, bool Passed, string Detail)> checks = [];
    private readonly List<string> figures = [];

    public void Check(string name, bool passed, string detail) => checks.Add((name, passed, detail));

    public void Figure(string text) => figures.Add(text);

    public int Print()
    {
        foreach (var (name, passed, detail) in checks)
            Console.WriteLine($"  [{(passed ? "ok" : "FAILED")}] {name}: {detail}");
        var failed = checks.Where(c => !c.Passed).Select(c => c.Name).ToList();
        Console.WriteLine(failed.Count == 0
            ? $"PASS {drill} {string.Join(" ", figures)}"
            : $"FAIL {drill} failed: {string.Join(", ", failed)}; {string.Join(" ", figures)}");
        return failed.Count == 0 ? 0 : 1;
    }
}
