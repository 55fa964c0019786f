using System.Threading.Channels;
using Distance.Realtime.Chat;
using Distance.Realtime.Rooms;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Chat;

/// <summary>A member's hub connection that records everything the server pushes to it.</summary>
public sealed class ChatTestClient : IAsyncDisposable
{
    private ChatTestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ChatMessage>(nameof(IChatClient.MessageReceived), m => Messages.Writer.TryWrite(m));
        connection.On<RoomSummary>(nameof(IChatClient.RoomUpdated), r => RoomUpdates.Writer.TryWrite(r));
        connection.On<RoomRequestView>(nameof(IChatClient.RequestReceived), r => Requests.Writer.TryWrite(r));
        connection.On<long>(nameof(IChatClient.PhoneShared), r => PhoneShared.Writer.TryWrite(r));
        connection.On<long, long, long>(nameof(IChatClient.MessagesRead), (room, member, seq) => Reads.Writer.TryWrite((room, member, seq)));
    }

    public HubConnection Connection { get; }
    public Channel<ChatMessage> Messages { get; } = Channel.CreateUnbounded<ChatMessage>();
    public Channel<RoomSummary> RoomUpdates { get; } = Channel.CreateUnbounded<RoomSummary>();
    public Channel<RoomRequestView> Requests { get; } = Channel.CreateUnbounded<RoomRequestView>();
    public Channel<long> PhoneShared { get; } = Channel.CreateUnbounded<long>();
    public Channel<(long RoomId, long MemberId, long Seq)> Reads { get; } = Channel.CreateUnbounded<(long, long, long)>();

    public static async Task<ChatTestClient> ConnectAsync(DistanceNode node, TestMember member, bool messagePack = false)
    {
        var client = new ChatTestClient(node.CreateHubConnection(member.AccessToken, messagePack));
        await client.Connection.StartReadyAsync();
        return client;
    }

    public static async Task<ChatTestClient> ConnectAsync(NodeProcess node, TestMember member)
    {
        var client = new ChatTestClient(node.CreateHubConnection(member.AccessToken));
        await client.Connection.StartReadyAsync();
        return client;
    }

    public Task<MessageAck> SendAsync(long roomId, string text, Guid? clientMessageId = null) =>
        Connection.InvokeAsync<MessageAck>(nameof(ChatHub.SendMessage),
            new SendMessageRequest(roomId, (clientMessageId ?? Guid.NewGuid()).ToString(), text)).Within();

    public Task<IReadOnlyList<ChatMessage>> SyncAsync(long roomId, long afterSeq) =>
        Connection.InvokeAsync<IReadOnlyList<ChatMessage>>(nameof(ChatHub.SyncRoom), roomId, afterSeq).Within();

    public Task MarkReadAsync(long roomId, long seq) =>
        Connection.InvokeAsync(nameof(ChatHub.MarkRead), roomId, seq).Within();

    /// <summary>The next message for <paramref name="roomId"/>, skipping other rooms'.</summary>
    public async Task<ChatMessage> NextMessageAsync(long roomId)
    {
        while (true)
        {
            var message = await Messages.Reader.NextAsync();
            if (message.RoomId == roomId)
                return message;
        }
    }

    public async Task<RoomSummary> NextRoomUpdateAsync(long roomId)
    {
        while (true)
        {
            var update = await RoomUpdates.Reader.NextAsync();
            if (update.RoomId == roomId)
                return update;
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
