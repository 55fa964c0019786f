using System.Threading.Channels;
using Distance.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Client;

public sealed partial class ChatClient
{
    private enum WorkKind { Message, Read, Room, Request, Phone, Sync }

    /// <summary>An event waiting for its turn, or a SyncRoom round; a struct, so the common path allocates nothing.</summary>
    private readonly record struct Work(WorkKind Kind, object? Item, ReadReceipt Read = default, TaskCompletionSource<int>? Done = null);

    private readonly Lock gate = new();
    private readonly Dictionary<long, long> delivered = [];
    private readonly Channel<Work> work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly Task pump;
    private int queued;
    private bool fromSync;

    /// <summary>
    /// True while a <see cref="MessageReceived"/> callback runs for a message that SyncRoom brought
    /// rather than one that arrived live (for clients that measure live delivery apart).
    /// </summary>
    public bool DeliveringFromSync => fromSync;

    /// <summary>
    /// Syncs every known room now, in turn with live events, as after a reconnect: the number of
    /// messages it delivered. A room whose SyncRoom fails raises <see cref="SyncFailed"/>.
    /// </summary>
    public Task<int> CatchUpAsync(CancellationToken cancellationToken = default) => options.OrderedDelivery
        ? QueueSyncAsync().WaitAsync(cancellationToken)
        : throw new InvalidOperationException("CatchUpAsync needs ChatClientOptions.OrderedDelivery.");

    /// <summary>Makes <paramref name="roomId"/> known: the next (re)connect syncs it from <paramref name="afterSeq"/> (what the caller already has).</summary>
    public void TrackRoom(long roomId, long afterSeq)
    {
        lock (gate)
            delivered[roomId] = afterSeq;
    }

    /// <summary>Stops syncing a room (left, deleted). A later message or RoomUpdated for it makes it known again.</summary>
    public void ForgetRoom(long roomId)
    {
        lock (gate)
            delivered.Remove(roomId);
    }

    /// <summary>The last seq delivered for a room; null when the room is not known.</summary>
    public long? DeliveredSeq(long roomId)
    {
        lock (gate)
            return delivered.TryGetValue(roomId, out var seq) ? seq : null;
    }

    /// <summary>
    /// Called on SignalR's receive loop. With nothing queued and nothing missing the event is
    /// delivered at once; otherwise it waits its turn behind what is queued, so order holds.
    /// </summary>
    private void Arrive(Work item)
    {
        if (!options.OrderedDelivery)
        {
            Deliver(item);
            return;
        }
        lock (gate)
        {
            if (queued == 0 && TryDeliverNow(item))
                return;
            queued++;
            work.Writer.TryWrite(item);
        }
    }

    /// <summary>Delivers an event unless it is a message that skips ahead of its room; true when done with it.</summary>
    private bool TryDeliverNow(in Work item)
    {
        switch (item)
        {
            case { Kind: WorkKind.Message, Item: ChatMessage message }:
                if (!delivered.TryGetValue(message.RoomId, out var last))
                    last = message.Seq - 1; // a room first seen now: from this message on
                if (message.Seq <= last)
                    return true; // already delivered (a live copy of a synced message, say)
                if (message.Seq != last + 1)
                    return false;
                delivered[message.RoomId] = message.Seq;
                break;
            case { Kind: WorkKind.Room, Item: RoomSummary room }:
                delivered.TryAdd(room.RoomId, room.LastSeq);
                break;
        }
        Deliver(item);
        return true;
    }

    private void Deliver(in Work item)
    {
        switch (item.Kind)
        {
            case WorkKind.Message: MessageReceived?.Invoke((ChatMessage)item.Item!); break;
            case WorkKind.Read: MessagesRead?.Invoke(item.Read); break;
            case WorkKind.Room: RoomUpdated?.Invoke((RoomSummary)item.Item!); break;
            case WorkKind.Request: RequestReceived?.Invoke((RoomRequestView)item.Item!); break;
            case WorkKind.Phone: PhoneShared?.Invoke(item.Read.RoomId); break;
        }
    }

    /// <summary>Queues a SyncRoom round for every known room; completes with the number of messages it delivered.</summary>
    private Task<int> QueueSyncAsync()
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            queued++;
            if (!work.Writer.TryWrite(new Work(WorkKind.Sync, null, default, done)))
                done.TrySetCanceled();
        }
        return done.Task;
    }

    private async Task PumpAsync()
    {
        await foreach (var item in work.Reader.ReadAllAsync())
        {
            try
            {
                if (item.Kind == WorkKind.Sync)
                {
                    var brought = await SyncKnownRoomsAsync();
                    // The event first: whoever awaits this round (StartAsync) and subscribes after
                    // it must not then hear this round's report as a later one.
                    Synced?.Invoke(brought);
                    item.Done!.TrySetResult(brought);
                }
                else if (item is { Kind: WorkKind.Message, Item: ChatMessage message })
                    await DeliverInOrderAsync(message);
                else
                    lock (gate)
                        TryDeliverNow(item);
            }
            catch (Exception exception)
            {
                // A callback threw; the pump must go on, and a waiting StartAsync must hear of it.
                item.Done?.TrySetException(exception);
            }
            finally
            {
                lock (gate)
                    queued--;
            }
        }
    }

    private async Task DeliverInOrderAsync(ChatMessage message)
    {
        lock (gate)
            if (TryDeliverNow(new Work(WorkKind.Message, message)))
                return;
        await SyncRoomFromDeliveredAsync(message.RoomId); // brings the gap and the message itself
        lock (gate)
            TryDeliverNow(new Work(WorkKind.Message, message)); // only if the sync failed short of it and it is next now
    }

    private async Task<int> SyncKnownRoomsAsync()
    {
        long[] rooms;
        lock (gate)
            rooms = [.. delivered.Keys];
        var brought = 0;
        foreach (var roomId in rooms)
            brought += await SyncRoomFromDeliveredAsync(roomId);
        return brought;
    }

    /// <summary>Pages through SyncRoom from the room's last delivered seq, delivering each message that is next.</summary>
    private async Task<int> SyncRoomFromDeliveredAsync(long roomId)
    {
        var brought = 0;
        while (!stopping.IsCancellationRequested)
        {
            long after;
            lock (gate)
                if (!delivered.TryGetValue(roomId, out after))
                    return brought;
            IReadOnlyList<ChatMessage> page;
            try
            {
                page = await SyncRoomAsync(roomId, after, stopping.Token);
            }
            catch (HubException exception) when (exception.Message == ErrorCodes.RoomNotFound)
            {
                ForgetRoom(roomId); // deleted, or the member is no longer in it
                return brought;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                SyncFailed?.Invoke(roomId, exception); // e.g. the connection dropped again: its reconnect syncs anew
                return brought;
            }
            lock (gate)
                foreach (var message in page)
                    if (delivered.TryGetValue(roomId, out var last) && message.Seq == last + 1)
                    {
                        delivered[roomId] = message.Seq;
                        fromSync = true;
                        try
                        {
                            MessageReceived?.Invoke(message);
                        }
                        finally
                        {
                            fromSync = false;
                        }
                        brought++;
                    }
            if (page.Count < ChatHubNames.SyncPageSize)
                return brought;
        }
        return brought;
    }
}
