using Distance.Data.Messages;
using Distance.Realtime.Observability;
using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>
/// After a commit: MessageReceived to the room's group (every connection of both members on every
/// node, through the Redis backplane) and a push candidate for the recipient. A failed broadcast
/// loses nothing: the message is stored, and clients catch up with SyncRoom.
/// </summary>
public sealed partial class MessageFanout(
    IHubContext<ChatHub, IChatClient> hub, PushOutbox push, DistanceMetrics metrics, ILogger<MessageFanout> logger)
{
    /// <summary>
    /// Issues every send before the first await, so the sends of one room leave in the order given
    /// (the backplane publishes in issue order on one connection); then waits for them.
    /// </summary>
    public Task PublishAsync(IReadOnlyList<StoredMessage> stored)
    {
        if (stored.Count == 0)
            return Task.CompletedTask;
        var sends = new Task[stored.Count];
        for (var i = 0; i < stored.Count; i++)
        {
            var (message, result) = stored[i];
            sends[i] = Send(ChatMessage.From(stored[i].ToRow()));
            push.TryEnqueue(new PushCandidate(result.RecipientId, message.SenderId, message.RoomId, message.Text));
        }
        return ObserveAsync(sends);
    }

    private Task Send(ChatMessage message)
    {
        try
        {
            return hub.Clients.Group(RoomGroups.Of(message.RoomId)).MessageReceived(message);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    private async Task ObserveAsync(Task[] sends)
    {
        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception exception)
        {
            var failed = sends.Count(s => s.IsFaulted);
            metrics.BackplanePublishFailures.Add(failed);
            LogPublishFailed(exception, failed);
        }
        metrics.MessagesDelivered.Add(sends.Count(s => s.IsCompletedSuccessfully));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} stored chat messages could not be broadcast; clients catch up with SyncRoom")]
    private partial void LogPublishFailed(Exception exception, int count);
}
