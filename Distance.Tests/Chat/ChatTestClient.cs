using System.Threading.Channels;
using Distance.Client;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Chat;

/// <summary>
/// A member's <see cref="ChatClient"/> (Distance.Client) in raw mode, recording every event exactly
/// as the server pushes it: the tests judge the server's own order and duplicates, not the
/// client's repairs. JSON or MessagePack.
/// </summary>
public sealed class ChatTestClient : IAsyncDisposable
{
    private ChatTestClient(ChatClient chat)
    {
        Chat = chat;
        chat.MessageReceived += m => Messages.Writer.TryWrite(m);
        chat.RoomUpdated += r => RoomUpdates.Writer.TryWrite(r);
        chat.RequestReceived += r => Requests.Writer.TryWrite(r);
        chat.PhoneShared += r => PhoneShared.Writer.TryWrite(r);
        chat.MessagesRead += r => Reads.Writer.TryWrite((r.RoomId, r.MemberId, r.Seq));
    }

    public ChatClient Chat { get; }
    public HubConnection Connection => Chat.Connection;
    public Channel<ChatMessage> Messages { get; } = Channel.CreateUnbounded<ChatMessage>();
    public Channel<RoomSummary> RoomUpdates { get; } = Channel.CreateUnbounded<RoomSummary>();
    public Channel<RoomRequestView> Requests { get; } = Channel.CreateUnbounded<RoomRequestView>();
    public Channel<long> PhoneShared { get; } = Channel.CreateUnbounded<long>();
    public Channel<(long RoomId, long MemberId, long Seq)> Reads { get; } = Channel.CreateUnbounded<(long, long, long)>();

    public static async Task<ChatTestClient> ConnectAsync(DistanceNode node, TestMember member, ChatProtocol protocol = ChatProtocol.Json)
    {
        var client = new ChatTestClient(new Switchboard(node).CreateClient(
            () => Task.FromResult<string?>(member.AccessToken), protocol, negotiate: true, Raw));
        await client.Connection.StartReadyAsync();
        return client;
    }

    public static async Task<ChatTestClient> ConnectAsync(NodeProcess node, TestMember member, ChatProtocol protocol = ChatProtocol.Json)
    {
        var client = new ChatTestClient(new ChatClient(new Uri(node.BaseAddress, ChatHubNames.Path), new ChatClientOptions
        {
            Protocol = protocol,
            AccessTokenProvider = () => Task.FromResult<string?>(member.AccessToken),
        }.With(Raw)));
        await client.Connection.StartReadyAsync();
        return client;
    }

    /// <summary>Every event as it arrives; no reconnect, so a lost connection stays lost for the test to see.</summary>
    private static void Raw(ChatClientOptions options)
    {
        options.OrderedDelivery = false;
        options.AutomaticReconnect = false;
    }

    public Task<MessageAck> SendAsync(long roomId, string text, Guid? clientMessageId = null) =>
        Chat.SendMessageAsync(roomId, text, (clientMessageId ?? Guid.NewGuid()).ToString()).Within();

    public Task<IReadOnlyList<ChatMessage>> SyncAsync(long roomId, long afterSeq) => Chat.SyncRoomAsync(roomId, afterSeq).Within();

    public Task MarkReadAsync(long roomId, long seq) => Chat.MarkReadAsync(roomId, seq).Within();

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

    public ValueTask DisposeAsync() => Chat.DisposeAsync();
}
