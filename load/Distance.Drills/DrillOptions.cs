using System.Globalization;

namespace Distance.Drills;

/// <summary>
/// Command line of one drill run: <c>Distance.Drills &lt;drill&gt; --key value …</c>. Every run is
/// bounded: load for <see cref="Duration"/>, retries for <see cref="Grace"/>, and a hard deadline.
/// </summary>
public sealed class DrillOptions
{
    private readonly Dictionary<string, string> values;

    private DrillOptions(string drill, Dictionary<string, string> values)
    {
        Drill = drill;
        this.values = values;
    }

    public string Drill { get; }

    /// <summary>Node base addresses, e.g. http://127.0.0.1:5601,http://127.0.0.1:5602 (loopback only).</summary>
    public IReadOnlyList<Uri> Nodes => Text("nodes").Split(',').Select(u => new Uri(u)).ToList();

    /// <summary>Process ids of the nodes, in the same order (for memory samples and exit checks).</summary>
    public IReadOnlyList<int> NodePids => Text("node-pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

    public string Database => Text("db");
    public string JwtKey => Text("jwt-key");
    public int Pairs => Int("pairs", 30);

    /// <summary>Messages per second each member sends.</summary>
    public double Rate => Double("rate", 2);

    public TimeSpan Duration => Seconds("duration", 30);
    public TimeSpan Warmup => Seconds("warmup", 5);
    public TimeSpan FaultAt => Seconds("fault-at", 10);

    /// <summary>Shell command that causes the fault (run with bash -c).</summary>
    public string? FaultCommand => values.GetValueOrDefault("fault");

    /// <summary>Seconds after the fault command ended when <see cref="RestoreCommand"/> runs.</summary>
    public TimeSpan RestoreAfter => Seconds("restore-after", 5);

    public string? RestoreCommand => values.GetValueOrDefault("restore");

    /// <summary>How long unacknowledged sends keep being retried after the load stops.</summary>
    public TimeSpan Grace => Seconds("grace", 30);

    public static DrillOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException("usage: Distance.Drills <kill-node|redis-restart|mariadb-outage|sigterm|slow-consumer> --nodes … --db … --jwt-key … [--key value …]");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --key value, got '{args[i]}'");
            values[args[i][2..]] = args[++i];
        }
        var options = new DrillOptions(args[0], values);
        if (options.Nodes.Any(n => !n.IsLoopback))
            throw new ArgumentException("drills send traffic to 127.0.0.1 only");
        return options;
    }

    public string Text(string key, string? fallback = null) =>
        values.TryGetValue(key, out var value) ? value : fallback ?? throw new ArgumentException($"--{key} is required");

    public int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string key, double fallback) => values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public TimeSpan Seconds(string key, double fallback) => TimeSpan.FromSeconds(Double(key, fallback));
}
