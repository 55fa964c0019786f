using System.Threading.Channels;
using Distance.Data.Members;
using Distance.Data.Messages;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>A stored message whose recipient may need a push notification.</summary>
public sealed record PushCandidate(long RecipientId, long SenderId, long RoomId, string Text);

/// <summary>
/// Turns messages for members with no live connection (on any node: Presence is in Redis) into
/// records on the Redis stream "distance:push", one per push token of the member's logins, for a
/// push worker to deliver. Off the send path: a bounded queue, drained in batches; when it is full
/// a push is dropped (and logged) rather than slowing chat, since the message itself is stored.
/// </summary>
public sealed partial class PushOutbox(
    Presence presence, PushTargetRepository targets, PublicProfileRepository profiles, IDatabase redis,
    IOptions<ChatOptions> options, ILogger<PushOutbox> logger) : BackgroundService
{
    public const string StreamKey = "distance:push";
    private const int BatchSize = 256;

    private readonly Channel<PushCandidate> queue = Channel.CreateBounded<PushCandidate>(
        new BoundedChannelOptions(options.Value.PushQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public void TryEnqueue(PushCandidate candidate)
    {
        if (!queue.Writer.TryWrite(candidate))
            LogDropped(candidate.RecipientId, candidate.RoomId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PushCandidate>(BatchSize);
        while (await queue.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var candidate))
                batch.Add(candidate);
            try
            {
                await ProcessAsync(batch, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception, batch.Count);
            }
            batch.Clear();
        }
    }

    private async Task ProcessAsync(List<PushCandidate> batch, CancellationToken cancellationToken)
    {
        var recipients = batch.Select(c => c.RecipientId).Distinct().ToList();
        var online = await presence.OnlineAsync(recipients);
        var offline = recipients.Where(r => !online.Contains(r)).ToList();
        if (offline.Count == 0)
            return;

        var tokens = await targets.PushTokensAsync(offline, cancellationToken);
        var due = batch.Where(c => tokens.ContainsKey(c.RecipientId)).ToList();
        if (due.Count == 0)
            return;
        var senders = await profiles.FindAsync(due.Select(c => c.SenderId).Distinct().ToList(), cancellationToken);
        var maxLength = options.Value.PushStreamMaxLength;
        var appends = new List<Task>();
        foreach (var candidate in due)
        {
            var title = senders.TryGetValue(candidate.SenderId, out var sender) ? sender.Nickname : "Distance";
            foreach (var token in tokens[candidate.RecipientId])
                appends.Add(redis.StreamAddAsync(StreamKey,
                [
                    new NameValueEntry("memberId", candidate.RecipientId),
                    new NameValueEntry("pushToken", token),
                    new NameValueEntry("title", title),
                    new NameValueEntry("body", candidate.Text),
                    new NameValueEntry("roomId", candidate.RoomId),
                ], maxLength: maxLength, useApproximateMaxLength: true));
        }
        await Task.WhenAll(appends);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push queue full: dropped the push for member {MemberId} in room {RoomId}")]
    private partial void LogDropped(long memberId, long roomId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} push records")]
    private partial void LogFailed(Exception exception, int count);
}
