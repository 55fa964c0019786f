using Distance.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Client;

/// <summary>
/// A member's connection to /hubs/chat: the hub's methods typed, its events as typed callbacks,
/// JSON or MessagePack. With <see cref="ChatClientOptions.OrderedDelivery"/> (the default) it
/// keeps, per room, the last seq it delivered, and after every connect and reconnect calls
/// SyncRoom for each known room from there: messages are delivered in seq order, once each, with
/// no gap, whatever node the connection lands on. A live message that skips ahead (sent between
/// the handshake and the joins, say) makes it sync that room first.
/// Hub errors arrive as <see cref="Microsoft.AspNetCore.SignalR.HubException"/> whose message is
/// exactly the contract's code (e.g. "room_inactive").
/// </summary>
/// <remarks>
/// A room becomes known by <see cref="TrackRoom"/>, by a RoomUpdated for it (from its lastSeq) or
/// by its first live message (from that message). Callbacks run one at a time; keep them short.
/// </remarks>
public sealed partial class ChatClient : IAsyncDisposable
{
    private readonly ChatClientOptions options;

    public ChatClient(Uri hubUrl, ChatClientOptions? options = null)
    {
        this.options = options ??= new ChatClientOptions();
        var builder = new HubConnectionBuilder().WithUrl(hubUrl, http =>
        {
            http.Transports = options.Transports;
            http.SkipNegotiation = options.SkipNegotiation;
            if (options.AccessTokenProvider is not null)
                http.AccessTokenProvider = options.AccessTokenProvider;
            options.ConfigureHttp?.Invoke(http);
        });
        if (options.Protocol == ChatProtocol.MessagePack)
            builder.AddMessagePackProtocol();
        if (options.StatefulReconnect)
            builder.WithStatefulReconnect();
        if (options is { AutomaticReconnect: true, RetryPolicy: { } retries })
            builder.WithAutomaticReconnect(retries);
        else if (options.AutomaticReconnect)
            builder.WithAutomaticReconnect();
        Connection = builder.Build();

        Connection.On<ChatMessage>(ChatHubNames.MessageReceived, m => Arrive(new Work(WorkKind.Message, m)));
        Connection.On<long, long, long>(ChatHubNames.MessagesRead,
            (room, member, seq) => Arrive(new Work(WorkKind.Read, null, new ReadReceipt(room, member, seq))));
        Connection.On<RoomSummary>(ChatHubNames.RoomUpdated, r => Arrive(new Work(WorkKind.Room, r)));
        Connection.On<RoomRequestView>(ChatHubNames.RequestReceived, r => Arrive(new Work(WorkKind.Request, r)));
        Connection.On<long>(ChatHubNames.PhoneShared, room => Arrive(new Work(WorkKind.Phone, null, new ReadReceipt(room, 0, 0))));
        Connection.Reconnected += connectionId =>
        {
            // Not awaited here: SyncRoom's answers arrive on the loop that raised this event.
            if (options.OrderedDelivery)
                _ = QueueSyncAsync();
            return Task.CompletedTask;
        };
        pump = options.OrderedDelivery ? Task.Run(PumpAsync) : Task.CompletedTask;
    }

    /// <summary>The underlying connection: its State and its Reconnecting, Reconnected and Closed events.</summary>
    public HubConnection Connection { get; }

    public ChatProtocol Protocol => options.Protocol;

    /// <summary>A chat message, once and in seq order per room (see the class remarks).</summary>
    public event Action<ChatMessage>? MessageReceived;

    public event Action<ReadReceipt>? MessagesRead;

    /// <summary>A room was created, left, lost its opponent or had phones shared; the same shape as GET /api/rooms.</summary>
    public event Action<RoomSummary>? RoomUpdated;

    public event Action<RoomRequestView>? RequestReceived;

    /// <summary>Both members of the room consented: the opponent's phone can be read.</summary>
    public event Action<long>? PhoneShared;

    /// <summary>After the SyncRoom round of a connect or reconnect: how many messages it delivered.</summary>
    public event Action<int>? Synced;

    /// <summary>A SyncRoom call failed (the room stays known; the next reconnect tries again).</summary>
    public event Action<long, Exception>? SyncFailed;

    /// <summary>Connects, then (with ordered delivery) syncs every known room before returning.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Connection.StartAsync(cancellationToken);
        if (options.OrderedDelivery)
            await CatchUpAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => Connection.StopAsync(cancellationToken);

    /// <summary>SendMessage: the ack once the message is durable. Resending a clientMessageId returns the same ack and stores nothing.</summary>
    public Task<MessageAck> SendMessageAsync(long roomId, string text, string? clientMessageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessageRequest(roomId, clientMessageId ?? Guid.NewGuid().ToString("D"), text), cancellationToken);

    public Task<MessageAck> SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync<MessageAck>(ChatHubNames.SendMessage, request, cancellationToken);

    /// <summary>MarkRead: the member has read <paramref name="roomId"/> up to <paramref name="seq"/>.</summary>
    public Task MarkReadAsync(long roomId, long seq, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync(ChatHubNames.MarkRead, roomId, seq, cancellationToken);

    /// <summary>One SyncRoom page: up to 200 messages after <paramref name="afterSeq"/>, ascending; a shorter page is the last.</summary>
    /// <remarks>Only returns them: delivery through <see cref="MessageReceived"/> is the client's own business.</remarks>
    public Task<IReadOnlyList<ChatMessage>> SyncRoomAsync(long roomId, long afterSeq, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync<IReadOnlyList<ChatMessage>>(ChatHubNames.SyncRoom, roomId, afterSeq, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Connection.DisposeAsync();
        work.Writer.TryComplete();
        await pump;
        stopping.Dispose();
    }
}
