using System.Buffers;
using System.Net.WebSockets;
using Distance.Load.Common;

namespace Distance.Load.Connections;

/// <summary>
/// An idle hub connection without the SignalR client (<see cref="RawWebSocket"/>): a loop that
/// answers each of the server's pings with one of its own (which keeps the server's client timeout
/// from firing) and drops everything else. The storm benchmark measures the server's handshake; a
/// full HubConnection costs the driver as much CPU per connect as the node (its own service
/// provider, HTTP handler and protocol objects), on the same two cores.
/// </summary>
public sealed class RawHubConnection(Uri hub, string token) : IIdleConnection
{
    private WebSocket? socket;
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private volatile bool closed;

    /// <summary>Open, handshake accepted, and neither side has closed it since.</summary>
    public bool IsConnected => !closed && socket?.State == WebSocketState.Open && !loop.IsCompleted;

    /// <summary>Connects with the token in the Authorization header; throws if the handshake is refused.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = this.socket = await RawWebSocket.ConnectAsync(hub, token, cancellationToken);
        loop = Task.Run(() => ReadAsync(socket));
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
                    await socket.SendAsync(RawWebSocket.Ping, WebSocketMessageType.Text, true, stop.Token);
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
        await RawWebSocket.CloseQuietlyAsync(socket);
        await stop.CancelAsync();
        await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        socket?.Dispose();
        stop.Dispose();
    }
}
