using System.Diagnostics;
using System.Globalization;

namespace Distance.Load.Soak;

/// <summary>
/// The live managed heap of each node, from an external command (scripts/live-heap.sh: dotnet-gcdump
/// makes the node run a full blocking GC and counts what survives it). The GC heap at the last
/// collection holds whatever garbage gen1 promoted into gen2 since the last gen2 collection, so only
/// this figure tells a leak apart from garbage waiting for a collection.
/// </summary>
public sealed class LiveHeap(string command, IReadOnlyList<int> pids)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Bytes per node in <c>--pids</c> order; NaN where the command failed.</summary>
    public async Task<double[]> MeasureAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(pids.Select(pid => MeasureAsync(pid, cancellationToken)));

    private async Task<double> MeasureAsync(int pid, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 && double.TryParse((await output).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes)
                ? bytes
                : double.NaN;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return double.NaN;
        }
    }
}
