using System.Threading.RateLimiting;

namespace Distance.Realtime.RateLimiting;

/// <summary>Buckets of hub methods, per member and method, in Redis like the HTTP ones.</summary>
public sealed class HubRateLimiter(RateLimitPartitions partitions) : IDisposable
{
    private readonly PartitionedRateLimiter<(string Method, string Member)> limiter =
        PartitionedRateLimiter.Create<(string Method, string Member), string>(call => partitions.HubMethod(call.Method, call.Member));

    public bool Enabled => partitions.Options.Enabled;

    public ValueTask<RateLimitLease> AcquireAsync(string method, string memberId, CancellationToken cancellationToken) =>
        limiter.AcquireAsync((method, memberId), 1, cancellationToken);

    public void Dispose() => limiter.Dispose();
}
