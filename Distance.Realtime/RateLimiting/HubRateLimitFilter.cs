using System.Diagnostics;
using System.Threading.RateLimiting;
using Distance.Realtime.Errors;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Every hub call passes here: it is timed (<c>distance.hub.invocation.duration</c>), limited per
/// member and method across nodes (<see cref="HubRateLimiter"/>), refused with
/// <c>HubException("rate_limited")</c> over the limit, and a connection that keeps calling while
/// refused is closed: a well-behaved client backs off, a flooder only costs us.
/// </summary>
public sealed partial class HubRateLimitFilter(
    HubRateLimiter limiter, DistanceMetrics metrics, IOptions<RateLimitingOptions> options, TimeProvider clock,
    ILogger<HubRateLimitFilter> logger) : IHubFilter
{
    private static readonly object FloodKey = new();

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            if (!await AdmitAsync(invocationContext.Context, method))
            {
                outcome = ErrorCodes.RateLimited;
                throw new HubException(ErrorCodes.RateLimited);
            }
            var result = await next(invocationContext);
            outcome = "ok";
            return result;
        }
        catch (HubException exception)
        {
            // Only contract codes travel as HubException messages, so the code is the outcome.
            outcome = exception.Message;
            throw;
        }
        finally
        {
            if (!WarmUpConnection.Is(invocationContext.Context))
                metrics.HubInvocationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private async ValueTask<bool> AdmitAsync(HubCallerContext context, string method)
    {
        var member = context.UserIdentifier;
        if (!limiter.Enabled || member is null)
            return true;
        using var lease = await limiter.AcquireAsync(method, member, context.ConnectionAborted);
        if (lease.IsAcquired)
            return true;

        metrics.RateLimitRejections.Add(1, new KeyValuePair<string, object?>("policy", RateLimitPolicies.ForHubMethod(method)));
        if (FloodOf(context).Refused(clock.GetUtcNow(), options.Value.Hub))
        {
            LogFlood(member, context.ConnectionId, method);
            metrics.HubFloodDisconnects.Add(1);
            context.Abort();
        }
        return false;
    }

    /// <summary>Refusals are counted per connection in the connection's own items: they die with it.</summary>
    private static FloodCounter FloodOf(HubCallerContext context)
    {
        lock (context.Items)
        {
            if (context.Items.TryGetValue(FloodKey, out var existing) && existing is FloodCounter counter)
                return counter;
            var created = new FloodCounter();
            context.Items[FloodKey] = created;
            return created;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing hub connection {ConnectionId} of member {MemberId}: it kept calling {Method} while rate-limited")]
    private partial void LogFlood(string memberId, string connectionId, string method);

    private sealed class FloodCounter
    {
        private readonly Lock gate = new();
        private DateTimeOffset windowStart;
        private int refusals;

        /// <summary>Counts one refusal; true once the connection has been refused too often within the window.</summary>
        public bool Refused(DateTimeOffset now, HubLimits limits)
        {
            lock (gate)
            {
                if (now - windowStart > limits.FloodWindow)
                {
                    windowStart = now;
                    refusals = 0;
                }
                return ++refusals >= limits.FloodRejections;
            }
        }
    }
}
