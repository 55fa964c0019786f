using StackExchange.Redis;

namespace Distance.Push;

/// <summary>Samples distance.push.stream.lag every few seconds: the alert fires when it passes a minute.</summary>
public sealed partial class StreamLagSampler(PushStream stream, PushWorkerMetrics metrics, TimeProvider clock, ILogger<StreamLagSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                metrics.ReportStreamLag(await stream.LagAsync(clock.GetUtcNow()));
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sample the push stream's lag")]
    private partial void LogFailed(Exception exception);
}
