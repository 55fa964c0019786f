using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Distance.Drills;

/// <summary>A node's memory at one moment: resident set (from /proc) and the GC heap after its last collection (from /metrics).</summary>
public sealed record MemorySample(double At, double RssBytes, double HeapBytes);

/// <summary>Samples one node's memory every half second: RSS from /proc/&lt;pid&gt;/status, the GC heap (all generations) from /metrics.</summary>
public sealed class MemorySampler(Uri node, int pid, Stopwatch clock)
{
    public ConcurrentQueue<MemorySample> Samples { get; } = new();

    public async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(5) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var metrics = await http.GetStringAsync("/metrics", stop);
                Samples.Enqueue(new MemorySample(clock.Elapsed.TotalMilliseconds, Rss(pid), Heap(metrics)));
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // a missed sample; the next one counts
            }
            await Task.Delay(500, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static double Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Sum of dotnet_gc_last_collection_heap_size_bytes over the generations.</summary>
    private static double Heap(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
}
