using System.Globalization;
using Distance.Data.Push;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Push;

/// <summary>A record read from the stream: its entry id and fields (the record itself is null when malformed).</summary>
public sealed record StreamRecord(RedisValue Id, IReadOnlyDictionary<string, string> Fields, PushRecord? Record)
{
    /// <summary>The entry's time: the millisecond part of its id.</summary>
    public long Milliseconds => long.Parse(Id.ToString().Split('-')[0], CultureInfo.InvariantCulture);
}

/// <summary>
/// distance:push through the consumer group: new entries with XREADGROUP, entries another worker
/// held too long with XAUTOCLAIM, XACK + XDEL once a record is settled (so the stream holds only
/// unsettled work, and its oldest entry is the lag), and the dead-letter stream.
/// </summary>
public sealed class PushStream(IDatabase redis, IOptions<PushWorkerOptions> options)
{
    private readonly string consumer = options.Value.Consumer.Length > 0
        ? options.Value.Consumer
        : $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public string Consumer => consumer;

    private string Group => options.Value.Group;

    /// <summary>Creates the group (reading from the stream's start, so records written before any worker ran are delivered).</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await redis.StreamCreateConsumerGroupAsync(PushRecord.StreamKey, Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // another worker created it
        }
    }

    /// <summary>Entries delivered to this consumer earlier and not acked (after a restart under a fixed name).</summary>
    public async Task<IReadOnlyList<StreamRecord>> ReadOwnPendingAsync(int count) =>
        Parse(await redis.StreamReadGroupAsync(PushRecord.StreamKey, Group, consumer, "0", count));

    public async Task<IReadOnlyList<StreamRecord>> ReadNewAsync(int count) =>
        Parse(await redis.StreamReadGroupAsync(PushRecord.StreamKey, Group, consumer, StreamPosition.NewMessages, count));

    /// <summary>Takes over entries pending longer than ClaimAfter with any consumer: their worker is presumed dead.</summary>
    public async Task<IReadOnlyList<StreamRecord>> ClaimStaleAsync(int count)
    {
        var result = await redis.StreamAutoClaimAsync(
            PushRecord.StreamKey, Group, consumer, (long)options.Value.ClaimAfter.TotalMilliseconds, "0-0", count);
        // Entries deleted meanwhile come back as nulls: nothing to deliver, and XAUTOCLAIM already dropped them.
        return Parse(result.ClaimedEntries.Where(e => !e.IsNull).ToArray());
    }

    /// <summary>Done with a record: acknowledged and removed from the stream.</summary>
    public Task SettleAsync(RedisValue id) =>
        Task.WhenAll(redis.StreamAcknowledgeAsync(PushRecord.StreamKey, Group, id), redis.StreamDeleteAsync(PushRecord.StreamKey, [id]));

    /// <summary>Copies a record to distance:push:dead with why it failed; the caller settles it afterwards.</summary>
    public Task DeadLetterAsync(StreamRecord entry, string reason, int? status, string? answer, DateTimeOffset now)
    {
        var fields = entry.Fields.Select(f => new NameValueEntry(f.Key, f.Value)).ToList();
        fields.Add(new NameValueEntry("streamId", entry.Id));
        fields.Add(new NameValueEntry("reason", reason));
        fields.Add(new NameValueEntry("status", status?.ToString(CultureInfo.InvariantCulture) ?? ""));
        fields.Add(new NameValueEntry("answer", answer ?? ""));
        fields.Add(new NameValueEntry("failedAt", now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        fields.Add(new NameValueEntry("worker", consumer));
        return redis.StreamAddAsync(PushRecord.DeadStreamKey, fields.ToArray(),
            maxLength: options.Value.DeadStreamMaxLength, useApproximateMaxLength: true);
    }

    /// <summary>Age of the oldest unsettled entry (settled ones are deleted), zero for an empty stream.</summary>
    public async Task<TimeSpan> LagAsync(DateTimeOffset now)
    {
        var oldest = await redis.StreamRangeAsync(PushRecord.StreamKey, "-", "+", 1);
        if (oldest.Length == 0)
            return TimeSpan.Zero;
        var milliseconds = long.Parse(oldest[0].Id.ToString().Split('-')[0], CultureInfo.InvariantCulture);
        return now - DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    private static StreamRecord[] Parse(StreamEntry[] entries) => entries.Select(e =>
    {
        var fields = e.Values.GroupBy(v => v.Name.ToString()).ToDictionary(g => g.Key, g => g.Last().Value.ToString());
        return new StreamRecord(e.Id, fields, PushRecord.TryParse(fields));
    }).ToArray();
}
