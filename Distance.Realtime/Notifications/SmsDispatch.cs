using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Distance.Realtime.Notifications;

/// <summary>A provider's answer that is not a success: its status and its own reason, and whether trying again may help.</summary>
internal sealed class SmsProviderException(int? status, string reason, bool transient, Exception? inner = null)
    : Exception(reason, inner)
{
    public int? Status { get; } = status;

    public string Reason { get; } = reason;

    public bool Transient { get; } = transient;

    /// <summary>5xx, 429 and 408 may pass; any other 4xx is the provider saying no to this request.</summary>
    public static bool IsTransient(int status) => status >= 500 || status is 429 or 408;
}

/// <summary>
/// Runs one provider call under the SMS resilience pipeline (a timeout per attempt, a bounded number
/// of retries with backoff for transient failures only) and turns the final failure into one
/// warning with the provider's reason and a <see cref="MessageDeliveryException"/> (503 for the member).
/// </summary>
public sealed partial class SmsDispatch(ResiliencePipelineProvider<string> pipelines, ILogger<SmsDispatch> logger)
{
    public const string PipelineName = "sms";

    internal async Task SendAsync(string provider, Func<CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        try
        {
            await pipelines.GetPipeline(PipelineName).ExecuteAsync(send, cancellationToken);
        }
        catch (SmsProviderException refused)
        {
            LogRefused(provider, refused.Status ?? 0, refused.Reason);
            throw new MessageDeliveryException($"{provider} refused the message: {refused.Reason}", refused);
        }
        catch (Exception failure) when (failure is HttpRequestException or TimeoutRejectedException)
        {
            LogUnreachable(provider, failure.GetType().Name, failure.Message);
            throw new MessageDeliveryException($"{provider} could not be reached.", failure);
        }
    }

    /// <summary>Registers the pipeline: attempts bounded by <see cref="SmsSenderOptions.MaxRetries"/>, each by <see cref="SmsSenderOptions.Timeout"/>.</summary>
    internal static void Configure(ResiliencePipelineBuilder builder, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SmsSenderOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<SmsDispatch>>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<SmsProviderException>(e => e.Transient)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetrying(logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "no answer");
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(options.Timeout);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider {Provider} refused a message with status {Status}: {Reason}")]
    private partial void LogRefused(string provider, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider {Provider} could not be reached ({Error}: {Detail})")]
    private partial void LogUnreachable(string provider, string error, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying an SMS (retry {Retry}) after a transient failure: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int retry, string reason);
}
