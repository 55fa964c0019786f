using System.Net.WebSockets;
using Distance.Client;
using Distance.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// Distance.Client's hub client against the test nodes. Every connection attempt goes through a
/// <see cref="Switchboard"/>, so a test can say where the next attempt lands (an in-process node,
/// a node process, or nowhere) and cut the socket of the current one.
/// </summary>
public static class ChatClients
{
    /// <summary>Both hub protocols, for tests that must hold under each: [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))].</summary>
    public static TheoryData<ChatProtocol> Protocols => [ChatProtocol.Json, ChatProtocol.MessagePack];

    /// <summary>A client of <paramref name="node"/> (through its in-memory test server) for a member holding <paramref name="accessToken"/>.</summary>
    public static ChatClient CreateChatClient(this DistanceNode node, string accessToken, ChatProtocol protocol = ChatProtocol.Json) =>
        new Switchboard(node).CreateClient(() => Task.FromResult<string?>(accessToken), protocol, negotiate: true);

    /// <summary>Applies <paramref name="configure"/> and returns the options, for initialisers.</summary>
    public static ChatClientOptions With(this ChatClientOptions options, Action<ChatClientOptions> configure)
    {
        configure(options);
        return options;
    }

    /// <summary>Retries every 100 ms for a minute: tests move a client between nodes quickly.</summary>
    public sealed class QuickRetries : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime > TimeSpan.FromSeconds(60) ? null : TimeSpan.FromMilliseconds(100);
    }
}

/// <summary>Where a client's next WebSocket goes: an in-process node, a node process, or (null) nowhere, refused.</summary>
public sealed class Switchboard(object? initial)
{
    private volatile object? target = initial;
    private volatile WebSocket? current;

    /// <summary>A <see cref="DistanceNode"/>, a <see cref="NodeProcess"/>, or null to refuse attempts.</summary>
    public object? Target
    {
        get => target;
        set => target = value;
    }

    /// <summary>Aborts the open WebSocket, as a dropped network would: no close frame.</summary>
    public void Cut() => current?.Abort();

    /// <summary>
    /// A client whose WebSockets go where the board says. With <paramref name="negotiate"/> it first
    /// negotiates with the in-process node the board points at (stateful reconnect needs that; the
    /// client must then stay on that node); without, it skips negotiation and may move between nodes.
    /// </summary>
    public ChatClient CreateClient(Func<Task<string?>> accessToken, ChatProtocol protocol, bool negotiate, Action<ChatClientOptions>? configure = null)
    {
        var negotiation = negotiate ? (DistanceNode)target! : null;
        var options = new ChatClientOptions
        {
            Protocol = protocol,
            AccessTokenProvider = accessToken,
            SkipNegotiation = negotiation is null,
            RetryPolicy = new ChatClients.QuickRetries(),
            ConfigureHttp = http =>
            {
                if (negotiation is not null)
                    http.HttpMessageHandlerFactory = _ => negotiation.Server.CreateHandler();
                http.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var token = await accessToken();
                    var socket = await ConnectAsync(context.Uri, token, cancellationToken);
                    current = socket;
                    return socket;
                };
            },
        };
        configure?.Invoke(options);
        var baseAddress = target switch
        {
            DistanceNode node => node.Server.BaseAddress,
            NodeProcess process => process.BaseAddress,
            _ => new Uri("http://nowhere.invalid"),
        };
        return new ChatClient(new Uri(baseAddress, ChatHubNames.Path), options);
    }

    private async Task<WebSocket> ConnectAsync(Uri uri, string? token, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case DistanceNode node:
                var client = node.Server.CreateWebSocketClient();
                // The test server's WebSocket client does not apply the access token itself.
                client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + token;
                return await client.ConnectAsync(uri, cancellationToken);
            case NodeProcess process:
                var socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
                var address = new UriBuilder(uri) { Scheme = "ws", Host = process.BaseAddress.Host, Port = process.BaseAddress.Port }.Uri;
                await socket.ConnectAsync(address, cancellationToken);
                return socket;
            default:
                throw new WebSocketException(WebSocketError.Faulted, "the switchboard refuses this attempt");
        }
    }
}
