using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

/// <summary>
/// Reads the cluster's SMS count of the hour from Redis every few seconds for the budget gauge:
/// the gauge's callback must not do I/O, and a node that sends nothing still reports the cluster's
/// figure (so the 80 % alert does not depend on which node Prometheus asks).
/// </summary>
public sealed partial class SmsBudgetMonitor(
    SmsVerification sms, AccountsMetrics metrics, IOptions<AccountsOptions> options, TimeProvider clock, ILogger<SmsBudgetMonitor> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                metrics.ReportBudget(await sms.BudgetUsedAsync(), options.Value.SmsHourlyBudget);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogReadFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the SMS budget from Redis; the gauge keeps its last value")]
    private partial void LogReadFailed(Exception exception);
}
