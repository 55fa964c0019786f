using System.Diagnostics;
using Distance.Data.Push;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Distance.Push.Delivery;

/// <summary>
/// Sends one record through its provider, retrying what is worth retrying: Polly's exponential
/// backoff with jitter, or the provider's Retry-After when it gave one. A Retry-After longer than
/// MaxRetryDelay is not waited for (the record would block a send slot): it ends as a failure.
/// </summary>
public sealed partial class PushDelivery
{
    private readonly FcmSender fcm;
    private readonly WebPushSender webPush;
    private readonly PushWorkerMetrics metrics;
    private readonly FcmOptions fcmOptions;
    private readonly WebPushOptions webPushOptions;
    private readonly ResiliencePipeline<DeliveryResult> pipeline;

    public PushDelivery(
        FcmSender fcm, WebPushSender webPush, PushWorkerMetrics metrics, IOptions<PushWorkerOptions> options,
        IOptions<FcmOptions> fcmOptions, IOptions<WebPushOptions> webPushOptions, TimeProvider clock, ILogger<PushDelivery> logger)
    {
        this.fcm = fcm;
        this.webPush = webPush;
        this.metrics = metrics;
        this.fcmOptions = fcmOptions.Value;
        this.webPushOptions = webPushOptions.Value;
        var worker = options.Value;
        pipeline = new ResiliencePipelineBuilder<DeliveryResult> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<DeliveryResult>
            {
                ShouldHandle = new PredicateBuilder<DeliveryResult>()
                    .HandleResult(r => r.Status == DeliveryStatus.Retry && (r.RetryAfter is null || r.RetryAfter <= worker.MaxRetryDelay))
                    .Handle<HttpRequestException>()
                    .Handle<TaskCanceledException>(),
                MaxRetryAttempts = worker.MaxRetries,
                Delay = worker.RetryBaseDelay,
                MaxDelay = worker.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Result?.Reason ?? args.Outcome.Exception?.GetType().Name, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The final result after retries; a network failure that outlived them is a Retry result (dead-lettered by the worker).</summary>
    public async Task<DeliveryResult> DeliverAsync(PushRecord record, CancellationToken cancellationToken)
    {
        var provider = record.Device.Kind;
        if (provider == PushKinds.Fcm && !fcmOptions.Enabled || provider == PushKinds.WebPush && !webPushOptions.Enabled)
            return DeliveryResult.Failed("provider_disabled", null, null);
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var result = provider == PushKinds.Fcm
                        ? await fcm.SendAsync(record, token)
                        : await webPush.SendAsync(record, token);
                    if (result.Status is DeliveryStatus.Retry or DeliveryStatus.Failed)
                        metrics.Failed.Add(1, new("provider", provider), new("reason", result.Reason));
                    return result;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !token.IsCancellationRequested)
                {
                    metrics.Failed.Add(1, new("provider", provider), new("reason", "network_error"));
                    throw;
                }
                finally
                {
                    metrics.SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("provider", provider));
                }
            }, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Retry("network_error", null, exception.Message, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Push send retry {Attempt} after {Reason}, in {Delay}")]
    private static partial void LogRetry(ILogger logger, int attempt, string? reason, TimeSpan delay);
}
