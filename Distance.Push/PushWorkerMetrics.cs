using System.Diagnostics.Metrics;

namespace Distance.Push;

/// <summary>The worker's instruments, on the meter <see cref="MeterName"/> (docs/observability.md, docs/push.md).</summary>
public sealed class PushWorkerMetrics
{
    public const string MeterName = "Distance.Push";

    private double streamLagSeconds;

    public PushWorkerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Delivered = meter.CreateCounter<long>("distance.push.delivered", "{push}", "Pushes a provider accepted, by provider.");
        Failed = meter.CreateCounter<long>("distance.push.failed", "{attempt}", "Send attempts that failed, by provider and reason (retried or not).");
        DeadLettered = meter.CreateCounter<long>("distance.push.dead_lettered", "{push}", "Records moved to distance:push:dead, by reason.");
        RegistrationsRemoved = meter.CreateCounter<long>("distance.push.registrations_removed", "{registration}", "Registrations deleted because the provider reported the device gone.");
        Collapsed = meter.CreateCounter<long>("distance.push.collapsed", "{push}", "Records dropped because a newer one of the same device and tag was in the same read.");
        Claimed = meter.CreateCounter<long>("distance.push.claimed", "{push}", "Records taken over from a worker that held them too long (XAUTOCLAIM).");
        SendDuration = meter.CreateHistogram<double>("distance.push.send.duration", "s", "One provider request, by provider.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        meter.CreateObservableGauge("distance.push.stream.lag", () => Volatile.Read(ref streamLagSeconds), "s",
            "Age of the oldest record on distance:push that no worker has finished (0 when none).");
    }

    public Counter<long> Delivered { get; }
    public Counter<long> Failed { get; }
    public Counter<long> DeadLettered { get; }
    public Counter<long> RegistrationsRemoved { get; }
    public Counter<long> Collapsed { get; }
    public Counter<long> Claimed { get; }
    public Histogram<double> SendDuration { get; }

    public void ReportStreamLag(TimeSpan lag) => Volatile.Write(ref streamLagSeconds, Math.Max(0, lag.TotalSeconds));
}
