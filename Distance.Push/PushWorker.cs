using Distance.Data.Push;
using Distance.Push.Delivery;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Push;

/// <summary>
/// Reads distance:push in its consumer group and settles every record: delivered, its device
/// removed as gone, or dead-lettered with the reason. A record is acknowledged only once it is
/// settled, one by one, so a worker killed mid-batch leaves exactly its unsettled records pending;
/// another worker claims them after ClaimAfter and sends them again (at least once: the records
/// that were in flight may arrive twice). Within one read, records for the same device and tag
/// collapse to the newest: the device would replace the older notification anyway.
/// </summary>
public sealed partial class PushWorker(
    PushStream stream, PushDelivery delivery, PushRegistrationRepository registrations, PushWorkerMetrics metrics,
    IOptions<PushWorkerOptions> options, TimeProvider clock, ILogger<PushWorker> logger) : BackgroundService
{
    private readonly PushWorkerOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RetryRedisAsync(stream.EnsureGroupAsync, stoppingToken);
        LogStarted(stream.Consumer);
        await RetryRedisAsync(async () =>
        {
            // Under a fixed consumer name a restarted worker first finishes what it held.
            IReadOnlyList<StreamRecord> own;
            while ((own = await stream.ReadOwnPendingAsync(settings.BatchSize)).Count > 0)
                await ProcessAsync(own, stoppingToken);
        }, stoppingToken);

        var nextClaim = clock.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = new List<StreamRecord>();
                if (clock.GetTimestamp() >= nextClaim)
                {
                    var claimed = await stream.ClaimStaleAsync(settings.BatchSize);
                    metrics.Claimed.Add(claimed.Count);
                    batch.AddRange(claimed);
                    nextClaim = clock.GetTimestamp() + (long)(settings.ClaimInterval.TotalSeconds * clock.TimestampFrequency);
                }
                if (batch.Count < settings.BatchSize)
                    batch.AddRange(await stream.ReadNewAsync(settings.BatchSize - batch.Count));
                if (batch.Count == 0)
                {
                    await Task.Delay(settings.IdleDelay, clock, stoppingToken);
                    continue;
                }
                await ProcessAsync(batch, stoppingToken);
            }
            // Any failure of a round (MySqlConnector's broken-stream error is not a MySqlException)
            // is logged and retried: a worker that dies stops every push until someone restarts it.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogReadFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    /// <summary>Settles every record of the batch; the sends run <see cref="PushWorkerOptions.Concurrency"/> at a time.</summary>
    public async Task ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        var settling = new List<Task>();
        foreach (var malformed in batch.Where(e => e.Record is null))
            settling.Add(DeadLetterAsync(malformed, "malformed", null, null));

        var latest = new List<StreamRecord>();
        foreach (var group in batch.Where(e => e.Record is not null)
                     .GroupBy(e => (e.Record!.Device.Kind, e.Record.Device.Address, e.Record.Tag)))
        {
            var ordered = group.OrderBy(e => e.Milliseconds).ThenBy(e => e.Id.ToString(), StringComparer.Ordinal).ToList();
            latest.Add(ordered[^1]);
            foreach (var older in ordered.Take(ordered.Count - 1))
            {
                metrics.Collapsed.Add(1);
                settling.Add(stream.SettleAsync(older.Id));
            }
        }
        await Task.WhenAll(settling);

        await Parallel.ForEachAsync(latest, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (entry, token) => await SettleAsync(entry, await DeliverAsync(entry.Record!, token)));
    }

    private async Task<DeliveryResult> DeliverAsync(PushRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return await delivery.DeliverAsync(record, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A fault of this worker with this one record (a bug, a library surprise) must not stop the
            // others: the record goes to the dead letter with what happened, never retried forever.
            LogSendFault(exception, record.MemberId);
            return DeliveryResult.Failed("worker_error", null, exception.GetType().Name + ": " + exception.Message);
        }
    }

    private async Task SettleAsync(StreamRecord entry, DeliveryResult result)
    {
        var record = entry.Record!;
        switch (result.Status)
        {
            case DeliveryStatus.Delivered:
                metrics.Delivered.Add(1, new KeyValuePair<string, object?>("provider", record.Device.Kind));
                await stream.SettleAsync(entry.Id);
                break;
            case DeliveryStatus.Gone:
                // Not with the caller's token: once the provider has answered, the removal and ack must happen.
                if (await registrations.RemoveGoneAsync(record.LoginId, record.Device, CancellationToken.None))
                    metrics.RegistrationsRemoved.Add(1, new KeyValuePair<string, object?>("provider", record.Device.Kind));
                LogGone(record.MemberId, record.LoginId, record.Device.Kind, result.Reason);
                await stream.SettleAsync(entry.Id);
                break;
            case DeliveryStatus.Retry:
                await DeadLetterAsync(entry, "gave_up_" + result.Reason, result.HttpStatus, result.Answer);
                break;
            default:
                await DeadLetterAsync(entry, result.Reason, result.HttpStatus, result.Answer);
                break;
        }
    }

    private async Task DeadLetterAsync(StreamRecord entry, string reason, int? status, string? answer)
    {
        await stream.DeadLetterAsync(entry, reason, status, answer, clock.GetUtcNow());
        metrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("reason", reason));
        LogDeadLettered(entry.Id.ToString(), reason, status);
        await stream.SettleAsync(entry.Id);
    }

    private async Task RetryRedisAsync(Func<Task> action, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogReadFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending a push to member {MemberId} failed inside the worker")]
    private partial void LogSendFault(Exception exception, long memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push worker {Consumer} reading distance:push")]
    private partial void LogStarted(string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push worker could not read the stream")]
    private partial void LogReadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device of member {MemberId} (login {LoginId}, {Kind}) is gone ({Reason}): registration removed")]
    private partial void LogGone(long memberId, long loginId, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push record {Id} dead-lettered: {Reason} (HTTP {Status})")]
    private partial void LogDeadLettered(string id, string reason, int? status);
}
