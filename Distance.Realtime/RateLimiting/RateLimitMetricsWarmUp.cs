using Distance.Realtime.Observability;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Every policy's rejection and local-decision counters start at 0, so the dashboard shows each
/// policy before its first refusal. Registered after observability: the meter provider listens by then.
/// </summary>
internal sealed class RateLimitMetricsWarmUp(DistanceMetrics metrics) : IHostedService
{
    private static readonly string[] HubMethods = [nameof(HubLimits.SendMessage), nameof(HubLimits.MarkRead), nameof(HubLimits.SyncRoom)];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var policies = RateLimitPolicies.All.Append(RateLimitPolicies.Global).Concat(HubMethods.Select(RateLimitPolicies.ForHubMethod));
        foreach (var policy in policies)
        {
            var tag = new KeyValuePair<string, object?>("policy", policy);
            metrics.RateLimitRejections.Add(0, tag);
            metrics.RateLimitLocalDecisions.Add(0, tag);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
