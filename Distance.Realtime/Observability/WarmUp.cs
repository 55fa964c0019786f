using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Observability;

/// <summary>
/// One hot path of the node, run before it reports ready (<see cref="WarmUp"/>). A round must leave
/// nothing a member or an operator could see: no rows, no broadcast a client receives, no metric a
/// dashboard counts.
/// </summary>
public interface IWarmUpStep
{
    /// <summary>Runs the path once; called many times, until the JIT has compiled it to its final tier.</summary>
    Task RoundAsync(CancellationToken cancellationToken);

    /// <summary>Removes what the rounds left behind (e.g. a cache entry); called once, also after a failure or a timeout.</summary>
    Task CleanUpAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Makes "ready" mean ready for a surge (issue 20): a cold node paid 0.20-0.23 ms of CPU per chat
/// message against 0.14 warm, and a surge on fresh nodes queued seconds of backlog while the JIT
/// caught up. Once the host has started, this runs every <see cref="IWarmUpStep"/> round after
/// round until the JIT goes quiet (tiered compilation promotes a method after 30 calls, in the
/// background, once no new method was compiled for 100 ms: the pauses between checks give it that
/// time), then <c>/health/ready</c> may turn 200. Bounded: a step that fails is logged and dropped,
/// and after <see cref="WarmUpOptions.Timeout"/> the node goes ready anyway; a warm-up never fails the boot.
/// </summary>
public sealed partial class WarmUp(
    IEnumerable<IWarmUpStep> steps, IHostApplicationLifetime lifetime, IOptions<WarmUpOptions> options, ILogger<WarmUp> logger)
    : BackgroundService
{
    private const int RoundsPerCheck = 20;
    private static readonly TimeSpan QuietPause = TimeSpan.FromMilliseconds(200);

    // Quiet twice in a row: tiered compilation starts counting calls only once no method was compiled
    // for 100 ms, so one quiet check can be that moment, with the tier-1 promotions still to come
    // (docs/benchmarks.md, "The hub in the warm-up": warm-ups that ended after 100-180 rounds had
    // compiled half the methods of the others and had the worst surges).
    private const int QuietChecks = 2;
    private static readonly TimeSpan CleanUpTimeout = TimeSpan.FromSeconds(2);

    private volatile bool done;
    private int rounds;

    /// <summary>True once the warm-up has finished, failed or timed out (or is turned off).</summary>
    public bool Done => done;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            done = true;
            return;
        }
        // After every hosted service (the message writer's loops) and the server have started.
        await WhenStartedAsync(stoppingToken);
        var started = Stopwatch.GetTimestamp();
        var compiledBefore = JitInfo.GetCompiledMethodCount();
        var live = steps.ToList();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            await RunRoundsAsync(live, settings.MinRounds, timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogTimedOut(settings.Timeout);
        }
        finally
        {
            await CleanUpAsync();
            // Logged before readiness can turn 200, so whoever sees the node ready finds the line.
            LogFinished(rounds, Stopwatch.GetElapsedTime(started).TotalMilliseconds, JitInfo.GetCompiledMethodCount() - compiledBefore);
            done = true;
        }
    }

    /// <summary>Rounds of every step until two checks in a row compile at most <see cref="WarmUpOptions.QuietMethods"/> methods each.</summary>
    private async Task RunRoundsAsync(List<IWarmUpStep> live, int minRounds, CancellationToken cancellationToken)
    {
        var compiled = JitInfo.GetCompiledMethodCount();
        var quietChecks = 0;
        for (var round = 1; ; round++)
        {
            rounds = round;
            foreach (var step in live.ToArray())
            {
                try
                {
                    // WaitAsync: a step that ignores the token cannot hold the node back past the timeout.
                    await step.RoundAsync(cancellationToken).WaitAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogStepFailed(exception, step.GetType().Name);
                    live.Remove(step);
                }
            }
            if (live.Count == 0)
                return;
            if (round % RoundsPerCheck != 0)
                continue;
            await Task.Delay(QuietPause, cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            LogCheck(round, now - compiled);
            quietChecks = now - compiled <= options.Value.QuietMethods ? quietChecks + 1 : 0;
            if (round >= minRounds && quietChecks >= QuietChecks)
                return;
            compiled = now;
        }
    }

    private async Task CleanUpAsync()
    {
        foreach (var step in steps)
        {
            using var timeout = new CancellationTokenSource(CleanUpTimeout);
            try
            {
                await step.CleanUpAsync(timeout.Token).WaitAsync(timeout.Token);
            }
            catch (Exception exception)
            {
                LogCleanUpFailed(exception, step.GetType().Name);
            }
        }
    }

    private async Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up finished after {Rounds} rounds in {Milliseconds:F0} ms ({Methods} methods compiled)")]
    private partial void LogFinished(int rounds, double milliseconds, long methods);

    // Information: a busy process (a test run, a probe storm) keeps the JIT from going quiet; the node is warm enough.
    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up ran out of time after {Timeout}; the node goes ready anyway")]
    private partial void LogTimedOut(TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warm-up: {Methods} methods compiled since the last check, at round {Round}")]
    private partial void LogCheck(int round, long methods);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up step {Step} failed; it is skipped and the node goes ready without it")]
    private partial void LogStepFailed(Exception exception, string step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up step {Step} could not clean up")]
    private partial void LogCleanUpFailed(Exception exception, string step);
}

/// <summary>
/// Degraded until <see cref="WarmUp"/> has finished: <c>/health/ready</c> answers 503 for it, and
/// the health-check service logs a warning per probe rather than the error of a failing dependency.
/// </summary>
internal sealed class WarmUpHealthCheck(WarmUp warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmUp.Done ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded("Warming up."));
}
