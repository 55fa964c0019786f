using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Distance.Realtime.Chat;

/// <summary>
/// Resilience for batch commits: a per-attempt timeout, a few quick retries for transient MariaDB
/// failures (deadlocks, a dropped connection), and a circuit breaker so that while MariaDB is down
/// senders get "unavailable" at once instead of queueing. A retry after a commit whose answer was
/// lost is safe: the batch keeps its timestamp and client message ids, so the retry recognises its
/// own rows (see MessageBatchPlan).
/// </summary>
public sealed partial class WritePipeline
{
    private readonly CircuitBreakerStateProvider state = new();

    public WritePipeline(IOptions<ChatOptions> options, ILogger<WritePipeline> logger)
    {
        var chat = options.Value;
        var transient = new PredicateBuilder()
            .Handle<MySqlException>()
            .Handle<TimeoutRejectedException>()
            .Handle<IOException>()
            .Handle<SocketException>()
            .Handle<TimeoutException>();
        Pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = chat.WriteRetries,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = chat.WriteBreakDuration,
                StateProvider = state,
                OnOpened = _ =>
                {
                    LogOpened(logger, chat.WriteBreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    LogClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(chat.WriteAttemptTimeout)
            .Build();
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>True while the breaker refuses writes: senders are told "unavailable" before queueing.</summary>
    public bool IsOpen => state.CircuitState is CircuitState.Open or CircuitState.Isolated;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying a message batch commit (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "MariaDB writes are failing; chat sends answer \"unavailable\" for {BreakDuration}")]
    private static partial void LogOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "MariaDB writes recovered; chat sends are accepted again")]
    private static partial void LogClosed(ILogger logger);
}
