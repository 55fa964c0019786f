using System.Diagnostics;

namespace Distance.Load.Common;

/// <summary>
/// Open-model load: operations start on a fixed schedule (rate per second) whether or not
/// earlier ones have finished, and latency counts from the scheduled start, so a slow server
/// shows up as latency instead of quietly lowering the offered rate (no coordinated omission).
/// Operations beyond <c>maxInFlight</c> are dropped and counted, which bounds the driver's memory.
/// </summary>
public static class OpenLoop
{
    public static Task RunAsync(double rate, TimeSpan duration, int maxInFlight, Latency latency,
        Func<CancellationToken, Task<bool>> operation, CancellationToken cancellationToken) =>
        RunAsync(rate, duration, maxInFlight, latency, (_, token) => operation(token), cancellationToken);

    /// <summary>
    /// The same, but the operation learns its scheduled start (a Stopwatch timestamp): the chat
    /// scenario measures delivery at the other member from when the send was due.
    /// </summary>
    public static async Task RunAsync(double rate, TimeSpan duration, int maxInFlight, Latency latency,
        Func<long, CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        if (rate <= 0)
            return;
        var ticksPerOperation = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        var inFlight = 0;
        var running = new List<Task>();
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end)
                break;
            var due = (long)((now - start) / ticksPerOperation) + 1;
            for (; issued < due; issued++)
            {
                var scheduled = start + (long)(issued * ticksPerOperation);
                if (Volatile.Read(ref inFlight) >= maxInFlight)
                {
                    latency.Drop();
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                running.Add(RunOneAsync(scheduled));
            }
            if (running.Count > 4096)
                running.RemoveAll(t => t.IsCompleted);
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        // Whatever is still running gets ten seconds, then counts as failed.
        drain.CancelAfter(TimeSpan.FromSeconds(10));
        await Task.WhenAll(running).ConfigureAwait(false);

        async Task RunOneAsync(long scheduled)
        {
            await Task.Yield();
            var ok = false;
            try
            {
                ok = await operation(scheduled, drain.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Any failure is an error of this operation; the driver counts it and goes on.
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
            latency.Record(scheduled, ok);
        }
    }

    /// <summary>Closed loop: <paramref name="workers"/> run operations back to back until the time is up.</summary>
    public static async Task RunClosedAsync(int workers, TimeSpan duration, Latency latency,
        Func<CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operation(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    ok = false;
                }
                latency.Record(started, ok);
            }
        })).ConfigureAwait(false);
    }
}
