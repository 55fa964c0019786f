using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Distance.Load.Connections;

/// <summary>
/// An idle hub connection without the SignalR client: a WebSocket straight to the hub (what the
/// client's SkipNegotiation does), the JSON protocol's handshake, and a loop that answers each of
/// the server's pings with one of its own (which keeps the server's client timeout from firing)
/// and drops everything else. The storm benchmark measures the server's handshake; a full
/// HubConnection costs the driver as much CPU per connect as the node (its own service provider,
/// HTTP handler and protocol objects), on the same two cores. Even ClientWebSocket's upgrade goes
/// through the HTTP client's machinery, so the upgrade is written by hand (plain ws:// on
/// loopback only) and the framing left to the runtime's WebSocket over the socket's stream.
/// </summary>
public sealed class RawHubConnection(Uri hub, string token) : IIdleConnection
{
    private const byte Separator = 0x1e;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private WebSocket? socket;
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private volatile bool closed;

    /// <summary>Open, handshake accepted, and neither side has closed it since.</summary>
    public bool IsConnected => !closed && socket?.State == WebSocketState.Open && !loop.IsCompleted;

    /// <summary>Connects with the token in the Authorization header; throws if the handshake is refused.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = this.socket = await UpgradeAsync(cancellationToken);
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
        loop = Task.Run(() => ReadAsync(socket));
    }

    /// <summary>The HTTP/1.1 upgrade (RFC 6455 section 4.1); anything but 101 Switching Protocols throws.</summary>
    private async Task<WebSocket> UpgradeAsync(CancellationToken cancellationToken)
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
            var request = $"GET {hub.PathAndQuery} HTTP/1.1\r\nHost: {hub.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                          $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n";
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

    private async Task ReadAsync(WebSocket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(), stop.Token);
                if (read.MessageType == WebSocketMessageType.Close)
                    break;
                // Frames of the JSON protocol are small here; a ping is exactly {"type":6}, a close message type 7.
                var text = buffer.AsSpan(0, read.Count);
                if (text.IndexOf("\"type\":7"u8) >= 0)
                    break;
                if (text.IndexOf("\"type\":6"u8) >= 0)
                    await socket.SendAsync(Ping, WebSocketMessageType.Text, true, stop.Token);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested || socket.State != WebSocketState.Open)
        {
        }
        finally
        {
            closed = true;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
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
        await stop.CancelAsync();
        await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        socket?.Dispose();
        stop.Dispose();
    }
}
