using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;

namespace Distance.Realtime.Observability;

/// <summary>
/// Records each GC pause into <c>distance.gc.pause.duration</c>, from the runtime's own GC events
/// (the <c>Microsoft-Windows-DotNETRuntime</c> event source, GC keyword, informational level): a
/// pause lasts from <c>GCSuspendEEBegin</c> (the runtime starts suspending threads for a
/// collection) to <c>GCRestartEEEnd</c> (they run again). The runtime's metrics only give the
/// total pause time; a p99 per pause needs each one. A background gen2 collection pauses briefly
/// more than once, and each of those counts as a pause.
/// </summary>
/// <remarks>
/// Listening starts when the host builds its hosted services (<see cref="Create"/>) and stops when
/// the container disposes the listener. The events arrive on the runtime's dispatch thread, a
/// little after the fact.
/// </remarks>
internal sealed class GcPauseListener(DistanceMetrics metrics) : EventListener, IHostedService
{
    // Two listeners of the runtime's events being created or disposed at the same moment deadlock
    // inside the runtime: one holds the listeners' lock and waits for EventPipe's, the other the
    // reverse (dotnet/runtime#96219; a hang dump of our test run showed exactly this). A node has
    // one listener, but a test process starts and stops many nodes at once, so every creation and
    // disposal in the process takes this lock in turn. It guards no data.
    private static readonly Lock Lifecycle = new();

    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int GcRestartEEEnd = 3;
    private const int GcSuspendEEBegin = 9;
    // GCSuspendEEBegin's Reason: suspensions for a debugger or a shutdown are no GC pauses.
    private const uint SuspendForGc = 0x1;
    private const uint SuspendForGcPrep = 0x6;

    // A field initializer runs before EventListener's constructor, which already announces the
    // runtime's event source (and may deliver events) before a constructor body here would run.
    private readonly Histogram<double> pauses = metrics.GcPauseDuration;
    private long suspendedAt; // DateTime ticks of the pending GCSuspendEEBegin; 0 when none

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventId)
        {
            case GcSuspendEEBegin when Reason(eventData) is SuspendForGc or SuspendForGcPrep:
                Interlocked.Exchange(ref suspendedAt, eventData.TimeStamp.Ticks);
                break;
            case GcRestartEEEnd:
                // A restart without its suspension (one begun before listening, or not for a GC) is not a pause we saw.
                var began = Interlocked.Exchange(ref suspendedAt, 0);
                if (began != 0)
                    pauses.Record(TimeSpan.FromTicks(Math.Max(0, eventData.TimeStamp.Ticks - began)).TotalSeconds);
                break;
        }
    }

    private static uint? Reason(EventWrittenEventArgs eventData)
    {
        var index = eventData.PayloadNames?.IndexOf("Reason") ?? -1;
        return index >= 0 && eventData.Payload?[index] is { } value ? Convert.ToUInt32(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A new listener, never created at the same moment as another is created or disposed.</summary>
    public static GcPauseListener Create(DistanceMetrics metrics)
    {
        lock (Lifecycle)
            return new GcPauseListener(metrics);
    }

    public override void Dispose()
    {
        lock (Lifecycle)
            base.Dispose();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
