using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Observability;

/// <summary>The warm-up before readiness (section "WarmUp"; <see cref="WarmUp"/>).</summary>
public sealed class WarmUpOptions
{
    public const string Section = "WarmUp";

    /// <summary>Off: ready as soon as Redis and MariaDB answer (the test suite's nodes, which need no surge).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest the warm-up may hold readiness back; then the node goes ready anyway. With the
    /// loopback socket in it, a warm-up on two shared cores went quiet after 22-32 s (docs/benchmarks.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Rounds at least: tiered PGO needs ~60 calls of a method (30 to instrument it, 30 more to optimise it).</summary>
    [Range(1, 100_000)]
    public int MinRounds { get; set; } = 100;

    /// <summary>"Quiet": at most this many methods compiled during a check's pause (timers and probes compile a few too).</summary>
    [Range(0, 10_000)]
    public int QuietMethods { get; set; } = 10;
}
