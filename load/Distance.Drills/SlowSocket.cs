using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Distance.Drills;

/// <summary>
/// A hostile hub client: it completes the WebSocket and SignalR handshakes, then never reads
/// another byte, but keeps sending pings so the server's client timeout never closes it. Its
/// receive buffer is made tiny before connecting, so the kernel absorbs little of what the server
/// sends; the rest is the server's problem. Records when the server closed it (a send fails).
/// </summary>
public sealed class SlowSocket : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private readonly WebSocket socket;

    private SlowSocket(TcpClient tcp, WebSocket socket)
    {
        this.tcp = tcp;
        this.socket = socket;
    }

    /// <summary>Drill-clock ms when a ping could no longer be sent (the server closed the connection); -1 while open.</summary>
    public double ClosedAt { get; private set; } = -1;

    /// <summary>Why the pings stopped: the exception the send failed with.</summary>
    public string? ClosedBecause { get; private set; }

    public static async Task<SlowSocket> ConnectAsync(Uri node, string token, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { ReceiveBufferSize = 4096, NoDelay = true };
        tcp.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 4096);
        await tcp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, node.Port), cancellationToken);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var upgrade = $"GET /hubs/chat?access_token={Uri.EscapeDataString(token)} HTTP/1.1\r\nHost: 127.0.0.1:{node.Port}\r\n" +
                      $"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade), cancellationToken);
        var head = await ReadHeadAsync(stream, cancellationToken);
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new InvalidOperationException("the hub refused the WebSocket: " + head.Split('\r')[0]);
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, cancellationToken);
        return new SlowSocket(tcp, socket);
    }

    /// <summary>Sends a SignalR ping every few seconds (never reading) until stopped or the server closes the socket.</summary>
    public async Task KeepPingingAsync(Func<double> now, CancellationToken stop)
    {
        var ping = "{\"type\":6}\u001e"u8.ToArray();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await socket.SendAsync(ping, WebSocketMessageType.Text, true, timeout.Token);
                await Task.Delay(TimeSpan.FromSeconds(2), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ClosedAt = now();
                ClosedBecause = exception is OperationCanceledException ? "a ping could not be sent within 5 s" : exception.GetType().Name + ": " + exception.Message;
                return;
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        // Byte by byte: nothing past the header may be consumed (it belongs to the WebSocket).
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0 || head.Length > 8192)
                throw new InvalidOperationException("the hub closed the connection during the upgrade");
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public ValueTask DisposeAsync()
    {
        socket.Abort();
        socket.Dispose();
        tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
