using System.Net;
using System.Net.Sockets;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder in front of a real service, to cut a node off from it (and restore
/// it) without touching the service other tests share. <see cref="Cut"/> closes the listener
/// and every open connection; <see cref="Restore"/> listens on the same port again.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private TcpListener listener;
    private CancellationTokenSource running = new();

    public TcpProxy(int targetPort)
    {
        target = new IPEndPoint(IPAddress.Loopback, targetPort);
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptAsync(listener, running.Token);
    }

    public int Port { get; }

    public void Cut()
    {
        running.Cancel();
        listener.Stop();
        lock (open)
        {
            foreach (var client in open)
                client.Dispose();
            open.Clear();
        }
    }

    public void Restore()
    {
        running = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        _ = AcceptAsync(listener, running.Token);
    }

    private async Task AcceptAsync(TcpListener socket, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await socket.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(inbound, cancellationToken);
        }
    }

    /// <summary>One accepted connection: dialled through to the target without holding up the next accept.</summary>
    private async Task ForwardAsync(TcpClient inbound, CancellationToken cancellationToken)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(target, cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException)
        {
            inbound.Dispose();
            outbound.Dispose();
            return;
        }
        lock (open)
            open.AddRange([inbound, outbound]);
        _ = PumpAsync(inbound, outbound, cancellationToken);
        _ = PumpAsync(outbound, inbound, cancellationToken);
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cancellationToken)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
