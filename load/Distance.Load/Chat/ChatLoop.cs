using System.Diagnostics;
using Distance.Load.Common;

namespace Distance.Load.Chat;

/// <summary>
/// The open model of OpenLoop, but the operation learns its scheduled start, so that delivery at
/// the other member is measured from when the send was due, not from when the driver got to it.
/// </summary>
public static class ChatLoop
{
    public static async Task RunAsync(double rate, TimeSpan duration, int maxInFlight, Latency ack,
        Func<long, CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
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
                    ack.Drop();
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                running.Add(RunOneAsync(scheduled));
            }
            if (running.Count > 4096)
                running.RemoveAll(t => t.IsCompleted);
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
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
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
            ack.Record(scheduled, ok);
        }
    }
}
