using System.Diagnostics;
using System.Globalization;
using Distance.Load.Common;

namespace Distance.Load.Soak;

/// <summary>One node at one moment: memory from /proc and the node's /metrics. NaN where it did not answer.</summary>
public sealed record NodeSample(
    double Seconds, string Phase, int Node, bool Alive, double RssBytes,
    double Gen0Bytes, double Gen1Bytes, double Gen2Bytes, double LohBytes, double PohBytes, double CommittedBytes, double MemoryLimitBytes,
    double Gen0Collections, double Gen1Collections, double Gen2Collections,
    double Pauses, double PauseSeconds, double RuntimePauseSeconds, IReadOnlyList<(double UpperBound, double Count)> PauseBuckets)
{
    public double HeapBytes => Gen0Bytes + Gen1Bytes + Gen2Bytes + LohBytes + PohBytes;
}

/// <summary>
/// Samples every node: RSS (VmRSS of /proc/PID/status) and whether the process lives, the GC heap
/// per generation, committed memory, the GC's limit, collections and the GC pause histogram (from
/// /metrics), with the runtime's own total pause time beside the histogram's sum as a cross-check. Each sample appends one CSV row per node and is kept for the final report (a few
/// hundred rows for a 30-minute soak).
/// </summary>
public sealed class NodeSampler(IReadOnlyList<string> urls, IReadOnlyList<int> pids, string csv, string label, double offered) : IDisposable
{
    public const string CsvHeader = "label,offered,t_s,phase,node,pid,alive,rss_bytes,heap_gen0_bytes,heap_gen1_bytes,heap_gen2_bytes,heap_loh_bytes,heap_poh_bytes," +
        "heap_total_bytes,committed_bytes,memory_limit_bytes,gc_gen0,gc_gen1,gc_gen2,gc_pauses,gc_pause_seconds,runtime_gc_pause_seconds";

    private const string PauseHistogram = "distance_gc_pause_duration_seconds";
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly List<NodeSample> samples = [];

    public IReadOnlyList<NodeSample> Samples => samples;

    public int Nodes => urls.Count;

    /// <summary>Samples every <paramref name="every"/> until cancelled, in the phase <paramref name="phase"/> names at each tick.</summary>
    public async Task RunAsync(TimeSpan every, Func<string> phase, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await SampleAsync(phase(), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    public async Task<IReadOnlyList<NodeSample>> SampleAsync(string phase, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var taken = await Task.WhenAll(urls.Select((url, i) => SampleNodeAsync(seconds, phase, i, cancellationToken)));
            samples.AddRange(taken);
            await File.AppendAllLinesAsync(csv, taken.Select(Csv), cancellationToken);
            return taken;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<NodeSample> SampleNodeAsync(double seconds, string phase, int index, CancellationToken cancellationToken)
    {
        var pid = index < pids.Count ? pids[index] : (int?)null;
        List<PrometheusSample>? metrics = null;
        try
        {
            metrics = PrometheusText.Parse(await http.GetStringAsync(urls[index].TrimEnd('/') + "/metrics", cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // an unanswered scrape leaves the figures empty; the process check below still says whether the node lives
        }
        var alive = pid is { } p ? Alive(p) : metrics is not null;
        double Gauge(string name, params (string, string)[] labels) => metrics is null ? double.NaN : metrics.Sum(name, labels);
        double Heap(string generation) => Gauge("dotnet_gc_last_collection_heap_size_bytes", ("gc_heap_generation", generation));
        double Collections(string generation) => Gauge("dotnet_gc_collections_total", ("gc_heap_generation", generation));
        return new NodeSample(seconds, phase, index + 1, alive, pid is { } q ? RssBytes(q) : double.NaN,
            Heap("gen0"), Heap("gen1"), Heap("gen2"), Heap("loh"), Heap("poh"),
            Gauge("dotnet_gc_last_collection_memory_committed_size_bytes"), Gauge("distance_gc_memory_limit_bytes"),
            Collections("gen0"), Collections("gen1"), Collections("gen2"),
            Gauge(PauseHistogram + "_count"), Gauge(PauseHistogram + "_sum"), Gauge("dotnet_gc_pause_time_seconds_total"),
            metrics?.Buckets(PauseHistogram) ?? []);
    }

    private string Csv(NodeSample s) => string.Join(',',
        label, F(offered), s.Seconds.ToString("F1", CultureInfo.InvariantCulture), s.Phase, s.Node.ToString(CultureInfo.InvariantCulture),
        s.Node - 1 < pids.Count ? pids[s.Node - 1].ToString(CultureInfo.InvariantCulture) : "", s.Alive ? "1" : "0",
        F(s.RssBytes), F(s.Gen0Bytes), F(s.Gen1Bytes), F(s.Gen2Bytes), F(s.LohBytes), F(s.PohBytes), F(s.HeapBytes), F(s.CommittedBytes), F(s.MemoryLimitBytes),
        F(s.Gen0Collections), F(s.Gen1Collections), F(s.Gen2Collections), F(s.Pauses), Seconds(s.PauseSeconds), Seconds(s.RuntimePauseSeconds));

    private static string F(double value) => double.IsNaN(value) ? "" : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Seconds(double value) => double.IsNaN(value) ? "" : value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>The process exists and is not a zombie (a node that died but was not reaped yet).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            // "State:\tS (sleeping)"; Z is a zombie, X dead.
            var state = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal));
            return state is not null && state[6..].Trim() is [not ('Z' or 'X'), ..];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double RssBytes(int pid)
    {
        try
        {
            // "VmRSS:     123456 kB"
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : 1024 * double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    public void Dispose()
    {
        http.Dispose();
        gate.Dispose();
    }
}
