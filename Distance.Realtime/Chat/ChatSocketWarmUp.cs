using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Distance.Data.Messages;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>
/// The hub as a member's app reaches it, run before readiness (<see cref="WarmUp"/>): a negotiate
/// request and a WebSocket over a real loopback socket to the node's own address, through Kestrel's
/// upgrade, the middleware (authentication, authorization, the limiter) and SignalR's dispatcher and
/// WebSocket transport, which <see cref="ChatHubWarmUp"/>'s in-process pipes leave out. Without it a
/// cold surge compiled ~700 methods of that layer in its first seconds (issue 20). Each round: the
/// handshake, a SendMessage to its answer, a MessageReceived through the room's group, and a close.
/// </summary>
/// <remarks>
/// It leaves what <see cref="ChatHubWarmUp"/> leaves: a member id no member has (negative, so no
/// limit refuses it and its presence, quota and bucket go or expire), a room that cannot exist. Its
/// requests are kept out of <c>http.server.request.duration</c> (the token's member marks them, see
/// <see cref="WarmUpMember"/>) and out of traces (they carry a parent that is not sampled), its hub
/// calls out of Distance's metrics (<see cref="WarmUpConnection"/>). Kestrel's and SignalR's own
/// connection counters do count its connections, one per round: the gauges of open connections are
/// back at zero when the node is ready, the connection-duration histograms keep them. A node with no
/// plain-HTTP address (only HTTPS or a Unix socket) logs that this step failed and is ready without
/// it; an in-memory test server, with no address at all, skips it.
/// </remarks>
internal sealed class ChatSocketWarmUp(
    IServer server, AccessTokenIssuer issuer, IHubContext<ChatHub, IChatClient> hub, RoomDirectory directory) : IWarmUpStep
{
    // Below ChatHubWarmUp's room, which is below ChatWarmUp's.
    private const long Room = long.MaxValue - 1025;
    private const string Text = "warm-up";
    private const char RecordSeparator = '\u001e';
    // W3C trace context with the "sampled" flag off: a parent-based sampler records nothing under it.
    private const string UnsampledParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (Node() is not { } node)
            return;
        var memberId = WarmUpMember.NewId();
        var token = issuer.Issue(memberId, memberId).Token;
        var (connectionId, connectionToken) = await NegotiateAsync(node, token, cancellationToken);

        using var socket = new ClientWebSocket();
        socket.Options.Proxy = null;
        socket.Options.SetRequestHeader("traceparent", UnsampledParent);
        var hubUri = new UriBuilder(node) { Scheme = "ws", Path = ChatHubNames.Path, Query = $"id={connectionToken}&access_token={token}" }.Uri;
        await socket.ConnectAsync(hubUri, cancellationToken);
        var records = new Records(socket);

        await SendAsync(socket, """{"protocol":"json","version":1}""", cancellationToken);
        if (Property(await records.NextAsync(_ => true, cancellationToken), "error") is { } refused)
            throw new InvalidOperationException($"The hub refused the warm-up's handshake: {refused}");

        await SendAsync(socket, JsonSerializer.Serialize(new
        {
            type = 1,
            invocationId = "1",
            target = ChatHubNames.SendMessage,
            arguments = new[] { new { roomId = Room, clientMessageId = Guid.NewGuid().ToString("D"), text = Text } },
        }), cancellationToken);
        var answer = await records.NextAsync(r => Property(r, "type") == "3", cancellationToken);
        if (Property(answer, "error") != ErrorCodes.RoomNotFound)
            throw new InvalidOperationException($"The warm-up's SendMessage was answered {answer}, not \"{ErrorCodes.RoomNotFound}\".");

        // The call waited for OnConnected: the connection can join the room's group and be written to.
        await hub.Groups.AddToGroupAsync(connectionId, RoomGroups.Of(Room), cancellationToken);
        await hub.Clients.Group(RoomGroups.Of(Room)).MessageReceived(
            new ChatMessage(Room, 1, null, MessageRow.TextKind, Text, DateTime.UtcNow, Guid.NewGuid().ToString("D")));
        await records.NextAsync(r => Property(r, "target") == ChatHubNames.MessageReceived, cancellationToken);

        // A client's close: OnDisconnected clears presence and quota.
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
    }

    public Task CleanUpAsync(CancellationToken cancellationToken) => directory.ForgetAsync(Room);

    /// <summary>A negotiate as the reference client sends it; the connection id names it for the group, the token for the socket.</summary>
    private static async Task<(string ConnectionId, string ConnectionToken)> NegotiateAsync(Uri node, string token, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, ChatHubNames.Path + "/negotiate?negotiateVersion=1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("traceparent", UnsampledParent);
        HttpResponseMessage response;
        // The client side's own activity would be a trace of its own.
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
            response = await http.SendAsync(request, cancellationToken);
        using (response)
        {
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return (body.RootElement.GetProperty("connectionId").GetString()!, body.RootElement.GetProperty("connectionToken").GetString()!);
        }
    }

    /// <summary>
    /// The server's first plain-HTTP address, a wildcard host taken as loopback; null for a server
    /// with no address (in memory).
    /// </summary>
    private Uri? Node()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0)
            return null;
        foreach (var address in addresses)
        {
            var bound = BindingAddress.Parse(address);
            if (bound.Scheme != Uri.UriSchemeHttp || bound.IsUnixPipe)
                continue;
            // Kestrel binds "[::]" dual-mode, and a container may have no IPv6 loopback: IPv4 reaches both.
            var host = bound.Host is "+" or "*" or "0.0.0.0" or "[::]" ? "127.0.0.1" : bound.Host;
            return new Uri($"http://{host}:{bound.Port}");
        }
        throw new InvalidOperationException($"The node listens on no plain-HTTP address ({string.Join(", ", addresses)}).");
    }

    /// <summary>A top-level property of a hub protocol record, as text; null if it has none.</summary>
    private static string? Property(string record, string name)
    {
        using var json = JsonDocument.Parse(record);
        return json.RootElement.TryGetProperty(name, out var value) ? value.ToString() : null;
    }

    private static Task SendAsync(WebSocket socket, string record, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(record + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>The hub's records as they arrive, split at the record separator.</summary>
    private sealed class Records(WebSocket socket)
    {
        private readonly byte[] buffer = new byte[4096];
        private readonly StringBuilder pending = new();

        /// <summary>The next record that is <paramref name="wanted"/>; others (pings) are skipped.</summary>
        public async Task<string> NextAsync(Func<string, bool> wanted, CancellationToken cancellationToken)
        {
            while (true)
            {
                var text = pending.ToString();
                var end = text.IndexOf(RecordSeparator);
                if (end >= 0)
                {
                    pending.Remove(0, end + 1);
                    if (wanted(text[..end]))
                        return text[..end];
                    continue;
                }
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                    throw new InvalidOperationException($"The hub closed the warm-up's socket: {result.CloseStatus} {result.CloseStatusDescription}");
                pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
        }
    }
}
