using System.Globalization;

namespace Distance.Load.Common;

/// <summary>
/// CPU time of some processes (and this driver) over a phase, from /proc/PID/stat, which is more
/// trustworthy on a shared machine than machine-wide figures: reported per operation and as cores.
/// </summary>
public sealed class CpuTimes
{
    private readonly Dictionary<int, double> before = [];
    private readonly TimeSpan driverBefore = Environment.CpuUsage.TotalTime;
    private Dictionary<int, double>? after;
    private TimeSpan driverAfter;

    public static CpuTimes Start(IReadOnlyList<int> pids)
    {
        var times = new CpuTimes();
        foreach (var pid in pids)
            if (Read(pid) is { } seconds)
                times.before[pid] = seconds;
        return times;
    }

    public static IReadOnlyList<int> ParsePids(string pids) =>
        pids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();

    /// <summary>Ends the phase now: a later <see cref="Report"/> counts up to here, when the operations are only known later.</summary>
    public void Stop()
    {
        after = before.ToDictionary(p => p.Key, p => Read(p.Key) ?? p.Value);
        driverAfter = Environment.CpuUsage.TotalTime;
    }

    public string Report(TimeSpan elapsed, long operations)
    {
        var used = before.Select(p => (Name: Name(p.Key), Seconds: (after?[p.Key] ?? Read(p.Key) ?? p.Value) - p.Value))
            .Append((Name: "driver", Seconds: ((after is null ? Environment.CpuUsage.TotalTime : driverAfter) - driverBefore).TotalSeconds));
        return "CPU " + string.Join(", ", used.Select(u => string.Create(CultureInfo.InvariantCulture,
            $"{u.Name} {u.Seconds / elapsed.TotalSeconds:F2} cores = {1000 * u.Seconds / Math.Max(1, operations):F2} ms/op")));
    }

    private static string Name(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return $"pid {pid}";
        }
    }

    /// <summary>User plus system CPU seconds the process has used so far, or null when it cannot be read.</summary>
    public static double? Read(int pid)
    {
        try
        {
            // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
