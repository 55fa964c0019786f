using System.Globalization;
using Distance.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Baseline;

/// <summary>Joins the room named in the query string; SendMessage broadcasts to that room's group on every instance.</summary>
public sealed class EchoHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var query = Context.GetHttpContext()!.Request.Query;
        Context.Items["member"] = long.Parse(query["member"].ToString(), CultureInfo.InvariantCulture);
        await Groups.AddToGroupAsync(Context.ConnectionId, "room:" + query["room"], Context.ConnectionAborted);
    }

    public async Task<MessageAck> SendMessage(SendMessageRequest request)
    {
        var sentAt = DateTime.UtcNow;
        await Clients.Group("room:" + request.RoomId.ToString(CultureInfo.InvariantCulture)).SendAsync(ChatHubNames.MessageReceived,
            new ChatMessage(request.RoomId, 0, (long)Context.Items["member"]!, "text", request.Text ?? "", sentAt, request.ClientMessageId),
            Context.ConnectionAborted);
        return new MessageAck(request.RoomId, 0, sentAt);
    }
}
