using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Client;

/// <summary>The two hub protocols the contract names; both carry the same camelCase payloads.</summary>
public enum ChatProtocol
{
    Json,
    MessagePack,
}

/// <summary>How a <see cref="ChatClient"/> connects.</summary>
public sealed class ChatClientOptions
{
    public ChatProtocol Protocol { get; set; } = ChatProtocol.Json;

    /// <summary>
    /// Called for every connection attempt, reconnects included: the place to hand over a fresh
    /// access token (refresh it first when it is about to expire; the server ends a connection
    /// when the token it connected with expires).
    /// </summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>WebSockets by default, as the contract advises; add others for browsers behind proxies.</summary>
    public HttpTransportType Transports { get; set; } = HttpTransportType.WebSockets;

    /// <summary>Skips the negotiate request (WebSockets only): one request per attempt, so a balancer without stickiness can route it.</summary>
    public bool SkipNegotiation { get; set; }

    /// <summary>Reconnect after a lost connection (then SyncRoom); off for tools that count lost connections themselves.</summary>
    public bool AutomaticReconnect { get; set; } = true;

    /// <summary>When to retry after a lost connection; null keeps SignalR's default (0, 2, 10, 30 s, then give up).</summary>
    public IRetryPolicy? RetryPolicy { get; set; }

    /// <summary>
    /// SignalR's stateful reconnect: a connection that drops for a moment and comes back to the same
    /// node resumes without a gap. On by default, as the server allows it.
    /// </summary>
    public bool StatefulReconnect { get; set; } = true;

    /// <summary>
    /// True (default): messages are delivered once each and in seq order per room, and every
    /// (re)connect calls SyncRoom for each known room. False: every event is handed over exactly as
    /// it arrives (for load tools that measure the server's own duplicates and order).
    /// </summary>
    public bool OrderedDelivery { get; set; } = true;

    /// <summary>More transport settings, e.g. a test server's handler and WebSocket factory.</summary>
    public Action<HttpConnectionOptions>? ConfigureHttp { get; set; }
}

/// <summary>The MessagesRead event: <paramref name="MemberId"/> has read <paramref name="RoomId"/> up to <paramref name="Seq"/>.</summary>
public readonly record struct ReadReceipt(long RoomId, long MemberId, long Seq);
