using Distance.Realtime.Auth;
using Distance.Realtime.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>
/// The chat hub. Hubs are transient and may run on any node: no fields but injected services,
/// everything shared lives in Redis or MariaDB.
/// </summary>
public sealed class ChatHub(LiveConnections connections) : Hub<IChatClient>
{
    public override Task OnConnectedAsync()
    {
        connections.Add(Context.User!.MemberId(), Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.User!.MemberId(), Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
