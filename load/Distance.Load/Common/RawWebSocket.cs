using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Distance.Load.Common;

/// <summary>
/// A hub connection without the SignalR client, for the driver's own CPU's sake: a full
/// HubConnection costs the driver about as much per connect and per message as the node it
/// measures, on the same two cores, and even ClientWebSocket's upgrade goes through the HTTP
/// client's machinery. So the HTTP/1.1 upgrade is written by hand (plain ws:// on loopback only),
/// the framing is the runtime's WebSocket over the socket's stream, and the JSON protocol's
/// handshake is checked before the socket is handed over.
/// </summary>
public static class RawWebSocket
{
    /// <summary>The record separator that ends every message of SignalR's JSON protocol.</summary>
    public const byte Separator = 0x1e;

    /// <summary>The JSON protocol's ping, which also resets the server's client timeout.</summary>
    public static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");

    /// <summary>
    /// Upgrades to a WebSocket (with the token, if any, as a bearer header) and completes the JSON
    /// handshake; throws if either is refused. The hub sends nothing after the handshake's answer
    /// until the client speaks or a ping is due, so the answer is read alone.
    /// </summary>
    public static async Task<WebSocket> ConnectAsync(Uri hub, string? token, CancellationToken cancellationToken)
    {
        var socket = await UpgradeAsync(hub, token, cancellationToken);
        try
        {
            await socket.SendAsync(Handshake, WebSocketMessageType.Text, true, cancellationToken);
            var buffer = new byte[256];
            var length = 0;
            while (Array.IndexOf(buffer, Separator, 0, length) < 0)
            {
                if (length == buffer.Length)
                    throw new InvalidOperationException("handshake response too long");
                var read = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (read.MessageType == WebSocketMessageType.Close)
                    throw new InvalidOperationException("closed during the handshake");
                length += read.Count;
            }
            var response = Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, Separator, 0, length));
            // The server answers "{}" when it accepts the handshake, {"error": "..."} when not.
            if (response != "{}")
                throw new InvalidOperationException("handshake refused: " + response);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Closes our side if it is still open, within five seconds; best effort (the server may already have gone).</summary>
    public static async Task CloseQuietlyAsync(WebSocket? socket)
    {
        try
        {
            if (socket?.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception)
        {
            // The server may already have gone; closing is best effort.
        }
    }

    /// <summary>The HTTP/1.1 upgrade (RFC 6455 section 4.1); anything but 101 Switching Protocols throws.</summary>
    private static async Task<WebSocket> UpgradeAsync(Uri hub, string? token, CancellationToken cancellationToken)
    {
        if (hub.Scheme != "http")
            throw new ArgumentException("the raw client speaks plain ws:// only (loopback benchmarks)");
        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        NetworkStream? stream = null;
        try
        {
            await tcp.ConnectAsync(hub.Host, hub.Port, cancellationToken);
            stream = new NetworkStream(tcp, ownsSocket: true);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var authorization = token is null ? "" : $"Authorization: Bearer {token}\r\n";
            var request = $"GET {hub.PathAndQuery} HTTP/1.1\r\nHost: {hub.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                          $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{authorization}\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
            // The hub sends nothing after the 101 until it has our handshake, so reading past the
            // end of the response's head cannot swallow a frame.
            var head = new byte[1024];
            var length = 0;
            while (head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
            {
                if (length == head.Length)
                    throw new InvalidOperationException("upgrade response too long");
                var read = await stream.ReadAsync(head.AsMemory(length), cancellationToken);
                if (read == 0)
                    throw new InvalidOperationException("closed during the upgrade");
                length += read;
            }
            if (!head.AsSpan(0, length).StartsWith("HTTP/1.1 101"u8))
                throw new InvalidOperationException("upgrade refused: " + Encoding.ASCII.GetString(head, 0, head.AsSpan(0, length).IndexOf("\r\n"u8)));
            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        }
        catch
        {
            if (stream is null)
                tcp.Dispose();
            else
                await stream.DisposeAsync();
            throw;
        }
    }
}
