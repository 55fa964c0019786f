using System.Diagnostics.Metrics;

namespace Distance.Realtime.Observability;

/// <summary>
/// Distance's own instruments, all on the meter <see cref="MeterName"/>. Built once from
/// <see cref="IMeterFactory"/>; features take it by injection and never create meters themselves.
/// docs/observability.md describes each one.
/// </summary>
public sealed class DistanceMetrics
{
    public const string MeterName = "Distance.Realtime";

    private readonly Meter meter;

    public DistanceMetrics(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(MeterName);
        MessagesReceived = meter.CreateCounter<long>("distance.chat.messages.received", "{message}", "Chat messages accepted from clients.");
        MessagesDelivered = meter.CreateCounter<long>("distance.chat.messages.delivered", "{message}", "Chat messages broadcast to room members.");
        MessagesPersisted = meter.CreateCounter<long>("distance.chat.messages.persisted", "{message}", "Chat messages durably stored.");
        BackplanePublishFailures = meter.CreateCounter<long>("distance.backplane.publish_failures", "{failure}", "Broadcasts that failed to reach the Redis backplane.");
        HubInvocationDuration = meter.CreateHistogram<double>("distance.hub.invocation.duration", "s", "Duration of hub method invocations.");
        RateLimitRejections = meter.CreateCounter<long>("distance.rate_limit.rejections", "{request}", "Requests and hub calls refused by a rate limit, by policy.");
        // Sub-millisecond to a second: the default buckets (0, 5, 10, ... s) would put every query in the first.
        MatchingQueryDuration = meter.CreateHistogram<double>("distance.matching.query.duration", "s", "Duration of the nearby-members query.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        RateLimitLocalDecisions = meter.CreateCounter<long>("distance.rate_limit.local_decisions", "{decision}",
            "Rate-limit decisions made by the node-local fallback because Redis was unreachable, by policy.");
        HubFloodDisconnects = meter.CreateCounter<long>("distance.hub.flood_disconnects", "{connection}",
            "Hub connections closed because they kept calling while rate-limited.");
        // Fine between 1 and 50 ms, where a p99 target of 20 ms sits; the runtime's own metrics only give the total.
        GcPauseDuration = meter.CreateHistogram<double>("distance.gc.pause.duration", "s",
            "Each pause of the runtime for a garbage collection: all threads suspended until they restart.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1] });
        PushesProduced = meter.CreateCounter<long>("distance.push.produced", "{push}",
            "Push records written to distance:push by the outbox relay, by type (message, request, room, phone).");
        // From 1 ms (a quiet node's batch commit) to 5 s (the lag alert's threshold).
        PersistenceDuration = meter.CreateHistogram<double>("distance.chat.persistence.duration", "s",
            "Time from a chat message's acceptance to its durable commit, per message stored.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        meter.CreateObservableGauge("distance.chat.rooms.active", () => Interlocked.Read(ref activeRooms), "{room}",
            "Chat rooms currently active in the whole service, counted in the database every 15 s (the same on every node).");
        meter.CreateObservableGauge("distance.gc.memory_limit", () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "By",
            "Memory the GC may use on this node (the container limit when there is one): the ceiling of the heap alerts.");
    }

    private long activeRooms;

    public Counter<long> MessagesReceived { get; }
    public Counter<long> MessagesDelivered { get; }
    public Counter<long> MessagesPersisted { get; }
    public Counter<long> BackplanePublishFailures { get; }
    public Histogram<double> HubInvocationDuration { get; }
    public Counter<long> RateLimitRejections { get; }
    public Histogram<double> MatchingQueryDuration { get; }
    public Counter<long> RateLimitLocalDecisions { get; }
    public Counter<long> HubFloodDisconnects { get; }
    public Histogram<double> GcPauseDuration { get; }
    public Counter<long> PushesProduced { get; }
    public Histogram<double> PersistenceDuration { get; }

    /// <summary>Chat: <c>distance.chat.persistence.lag</c>, the age of the oldest message not yet stored, read at each observation.</summary>
    public void ObservePersistenceLag(Func<TimeSpan> lag) =>
        meter.CreateObservableGauge("distance.chat.persistence.lag", () => lag().TotalSeconds, "s",
            "Age of the oldest chat message accepted but not yet durably stored (0 when none is waiting).");

    /// <summary>Sets <c>distance.chat.rooms.active</c>.</summary>
    public void ReportActiveRooms(long count) => Interlocked.Exchange(ref activeRooms, count);

    /// <summary>Chat: messages waiting for their batch commit on this node (observed from the chat writer's queues).</summary>
    public void ObserveChatWriteQueue(Func<int> queued) =>
        meter.CreateObservableGauge("distance.chat.write_queue", queued, "{message}", "Chat messages waiting for their batch commit on this node.");
}
