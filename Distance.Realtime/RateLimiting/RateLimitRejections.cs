using System.Globalization;
using System.Threading.RateLimiting;
using Distance.Realtime.Errors;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.RateLimiting;

namespace Distance.Realtime.RateLimiting;

/// <summary>The contract's answer to a refused request: 429 ProblemDetails <c>rate_limited</c> with Retry-After in seconds.</summary>
internal static class RateLimitRejections
{
    public static async ValueTask WriteAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var policy = context.Lease.TryGetMetadata(PolicyLease.Policy, out var name) && !string.IsNullOrEmpty(name) ? name : "unknown";
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

        http.RequestServices.GetRequiredService<DistanceMetrics>().RateLimitRejections.Add(1, new KeyValuePair<string, object?>("policy", policy));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests; retry after the time in Retry-After.")
            .ExecuteAsync(http);
    }
}
