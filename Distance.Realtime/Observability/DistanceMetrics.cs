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

    public DistanceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        MessagesReceived = meter.CreateCounter<long>("distance.chat.messages.received", "{message}", "Chat messages accepted from clients.");
        MessagesDelivered = meter.CreateCounter<long>("distance.chat.messages.delivered", "{message}", "Chat messages broadcast to room members.");
        MessagesPersisted = meter.CreateCounter<long>("distance.chat.messages.persisted", "{message}", "Chat messages durably stored.");
        BackplanePublishFailures = meter.CreateCounter<long>("distance.backplane.publish_failures", "{failure}", "Broadcasts that failed to reach the Redis backplane.");
        HubInvocationDuration = meter.CreateHistogram<double>("distance.hub.invocation.duration", "s", "Duration of hub method invocations.");
        RateLimitRejections = meter.CreateCounter<long>("distance.rate_limit.rejections", "{request}", "Requests and hub calls refused by a rate limit, by policy.");
        // Sub-millisecond to a second: the default buckets (0, 5, 10, ... s) would put every query in the first.
        MatchingQueryDuration = meter.CreateHistogram<double>("distance.matching.query.duration", "s", "Duration of the nearby-members query.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
    }

    public Counter<long> MessagesReceived { get; }
    public Counter<long> MessagesDelivered { get; }
    public Counter<long> MessagesPersisted { get; }
    public Counter<long> BackplanePublishFailures { get; }
    public Histogram<double> HubInvocationDuration { get; }
    public Counter<long> RateLimitRejections { get; }
    public Histogram<double> MatchingQueryDuration { get; }
}
