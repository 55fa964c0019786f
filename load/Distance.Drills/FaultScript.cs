using System.Diagnostics;

namespace Distance.Drills;

/// <summary>When the fault and its restoration ran, on the drill's clock (ms); -1 when not run.</summary>
public sealed class FaultTimes
{
    public double FaultStart = -1, FaultEnd = -1, RestoreStart = -1, RestoreEnd = -1;
}

/// <summary>Runs the drill's fault (and restore) commands with bash at their times, bounded.</summary>
public static class FaultScript
{
    public static async Task<FaultTimes> RunAsync(DrillOptions options, Stopwatch clock, double loadStart, CancellationToken cancellationToken)
    {
        var times = new FaultTimes();
        if (options.FaultCommand is null)
            return times;
        await DelayUntil(clock, loadStart + options.FaultAt.TotalMilliseconds, cancellationToken);
        times.FaultStart = clock.Elapsed.TotalMilliseconds;
        await ShellAsync("fault", options.FaultCommand, cancellationToken);
        times.FaultEnd = clock.Elapsed.TotalMilliseconds;
        if (options.RestoreCommand is null)
            return times;
        await DelayUntil(clock, times.FaultEnd + options.RestoreAfter.TotalMilliseconds, cancellationToken);
        times.RestoreStart = clock.Elapsed.TotalMilliseconds;
        await ShellAsync("restore", options.RestoreCommand, cancellationToken);
        times.RestoreEnd = clock.Elapsed.TotalMilliseconds;
        return times;
    }

    public static async Task ShellAsync(string label, string command, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  {label}: {command}");
        using var process = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", command }, UseShellExecute = false })!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the {label} command did not finish within 120 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the {label} command exited with {process.ExitCode}");
    }

    private static async Task DelayUntil(Stopwatch clock, double atMs, CancellationToken cancellationToken)
    {
        var wait = atMs - clock.Elapsed.TotalMilliseconds;
        if (wait > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
    }
}
