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
    private readonly TimeProvider clock;
    private long refuseUntilTicks;

    public WritePipeline(IOptions<ChatOptions> options, TimeProvider clock, ILogger<WritePipeline> logger)
    {
        this.clock = clock;
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
                OnOpened = args =>
                {
                    Volatile.Write(ref refuseUntilTicks, (clock.GetUtcNow() + args.BreakDuration).UtcTicks);
                    LogOpened(logger, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Volatile.Write(ref refuseUntilTicks, 0);
                    LogClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(chat.WriteAttemptTimeout)
            .Build();
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>
    /// True during the break: senders are told "unavailable" before queueing. Afterwards messages
    /// are queued again, so the breaker gets its trial batch (it only moves to half-open when a
    /// call arrives) and closes by itself once MariaDB answers.
    /// </summary>
    public bool IsOpen => clock.GetUtcNow().UtcTicks < Volatile.Read(ref refuseUntilTicks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying a message batch commit (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "MariaDB writes are failing; chat sends answer \"unavailable\" for {BreakDuration}")]
    private static partial void LogOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "MariaDB writes recovered; chat sends are accepted again")]
    private static partial void LogClosed(ILogger logger);
}
