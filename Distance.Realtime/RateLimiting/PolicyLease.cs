using System.Globalization;
using System.Threading.RateLimiting;
using RedisRateLimiting;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// A lease that says which policy decided and when to retry, in the framework's own metadata
/// names, whether Redis (which reports its own metadata names) or the local fallback decided.
/// </summary>
internal sealed class PolicyLease(RateLimitLease inner, string policy, TimeSpan minimumRetryAfter) : RateLimitLease
{
    public static readonly MetadataName<string> Policy = MetadataName.Create<string>("DISTANCE_POLICY");

    public static readonly RateLimitLease NotYetDecided = new PolicyLease(FailedLease.Instance, "", TimeSpan.Zero);

    public override bool IsAcquired => inner.IsAcquired;

    public override IEnumerable<string> MetadataNames => [Policy.Name, MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (metadataName == Policy.Name)
        {
            metadata = policy;
            return true;
        }
        if (metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = RetryAfter();
            return true;
        }
        return inner.TryGetMetadata(metadataName, out metadata);
    }

    /// <summary>At least one replenishment period, whatever the deciding side said: an earlier retry would only be refused again.</summary>
    private TimeSpan RetryAfter()
    {
        var reported = TimeSpan.Zero;
        if (inner.TryGetMetadata(MetadataName.RetryAfter, out var local))
            reported = local;
        else if (inner.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var redis) && redis is not null
                 && double.TryParse(Convert.ToString(redis, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, out var seconds))
            reported = TimeSpan.FromSeconds(seconds);
        return reported > minimumRetryAfter ? reported : minimumRetryAfter;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    private sealed class FailedLease : RateLimitLease
    {
        public static readonly FailedLease Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
