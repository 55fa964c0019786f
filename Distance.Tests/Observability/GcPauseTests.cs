using System.Globalization;
using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;
using Distance.Tests.RateLimiting;

namespace Distance.Tests.Observability;

/// <summary>
/// The GC pause listener: every induced collection is one pause in <c>distance.gc.pause.duration</c>,
/// in the node's own meter and, from a node running as its own process, on /metrics as a
/// Prometheus histogram.
/// </summary>
[Collection(nameof(ObservabilityCollection))]
public sealed class GcPauseTests(DistanceFixture fixture)
{
    private const string Instrument = "distance.gc.pause.duration";

    [Fact]
    public async Task EveryInducedCollectionIsRecordedAsAPause()
    {
        var node = fixture.NodeA;
        using var recorder = new MetricRecorder(node.Service<DistanceMetrics>().GcPauseDuration.Meter);

        for (var i = 0; i < 3; i++)
            GC.Collect();

        // The runtime dispatches its events a little later, on a thread of its own.
        await Eventually.UntilAsync(() => Task.FromResult(recorder.Count(Instrument) >= 3), TimeSpan.FromSeconds(20),
            "three blocking collections did not show up as three pauses");
        var total = recorder.Sum(Instrument);
        Assert.InRange(total / recorder.Count(Instrument), 1e-7, 5.0);
    }

    [Fact]
    public async Task PausesAppearOnMetricsAsAPrometheusHistogram()
    {
        var settings = new Dictionary<string, string?>(fixture.Settings) { [ProbeHost.Enable.Key] = ProbeHost.Enable.Value };
        await using var node = await NodeProcess.StartAsync(settings).Within(TimeSpan.FromSeconds(90));
        using var http = node.CreateClient();
        var before = Count(await http.GetStringAsync("/metrics").Within());

        for (var i = 0; i < 3; i++)
            (await http.PostAsync(ProbeHost.CollectGarbagePath, null).Within()).EnsureSuccessStatusCode();

        var text = "";
        await Eventually.UntilAsync(async () =>
        {
            text = await http.GetStringAsync("/metrics").Within();
            return Count(text) >= before + 3;
        }, TimeSpan.FromSeconds(20), "three collections in the node did not reach distance_gc_pause_duration_seconds_count");
        // Buckets fine enough for a 20 ms p99, in seconds.
        Assert.Contains(text.Split('\n'), l => l.StartsWith("distance_gc_pause_duration_seconds_bucket{", StringComparison.Ordinal) && l.Contains("le=\"0.02\"", StringComparison.Ordinal));
    }

    /// <summary>The histogram's sample count, 0 before its first pause (a histogram has no series until then).</summary>
    private static double Count(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("distance_gc_pause_duration_seconds_count", StringComparison.Ordinal))
        .Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
}
