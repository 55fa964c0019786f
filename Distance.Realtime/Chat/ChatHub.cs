using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>
/// The chat hub. Hubs are transient and may run on any node: no fields but injected services,
/// everything shared lives in Redis or MariaDB. Errors reach clients as HubException codes;
/// ChatHubFilter turns a failing dependency into "unavailable" and measures every call.
/// </summary>
public sealed class ChatHub(ChatConnections connections, ChatCommands commands) : Hub<IChatClient>
{
    public override Task OnConnectedAsync() => connections.ConnectedAsync(Context, Groups);

    public override Task OnDisconnectedAsync(Exception? exception) => connections.DisconnectedAsync(Context);

    public Task<MessageAck> SendMessage(SendMessageRequest? request) =>
        commands.SendAsync(ChatConnections.MemberId(Context), request, Context.ConnectionAborted);

    public Task MarkRead(long roomId, long seq) =>
        commands.MarkReadAsync(ChatConnections.MemberId(Context), roomId, seq, Context.ConnectionAborted);

    public Task<IReadOnlyList<ChatMessage>> SyncRoom(long roomId, long afterSeq) =>
        commands.SyncAsync(ChatConnections.MemberId(Context), roomId, afterSeq, Context.ConnectionAborted);
}
