using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Baseline;

public sealed record SendMessageRequest(long RoomId, string? ClientMessageId, string? Text);

/// <summary>Joins the room named in the query string; SendMessage broadcasts to that room's group on every instance.</summary>
public sealed class EchoHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var query = Context.GetHttpContext()!.Request.Query;
        Context.Items["member"] = long.Parse(query["member"].ToString(), CultureInfo.InvariantCulture);
        await Groups.AddToGroupAsync(Context.ConnectionId, "room:" + query["room"], Context.ConnectionAborted);
    }

    public async Task<object> SendMessage(SendMessageRequest request)
    {
        var sentAt = DateTime.UtcNow;
        await Clients.Group("room:" + request.RoomId.ToString(CultureInfo.InvariantCulture)).SendAsync("MessageReceived",
            new { roomId = request.RoomId, seq = 0, senderId = (long)Context.Items["member"]!, kind = "text", text = request.Text, sentAt, clientMessageId = request.ClientMessageId },
            Context.ConnectionAborted);
        return new { roomId = request.RoomId, seq = 0, sentAt };
    }
}
