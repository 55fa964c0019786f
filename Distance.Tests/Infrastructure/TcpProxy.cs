using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder that a test can cut and restore, to take a dependency away from one
/// node without stopping the shared service other test runs use. While cut, every forwarded
/// connection is closed and new ones are closed at once.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly ConcurrentDictionary<TcpClient, byte> open = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private volatile bool cut;

    public TcpProxy(int targetPort)
    {
        target = new IPEndPoint(IPAddress.Loopback, targetPort);
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Cut()
    {
        cut = true;
        foreach (var client in open.Keys)
            Close(client);
    }

    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        Cut();
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var inbound = await listener.AcceptTcpClientAsync(stopping.Token);
            if (cut)
            {
                inbound.Dispose();
                continue;
            }
            _ = ForwardAsync(inbound);
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        open[inbound] = 0;
        open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(target, stopping.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, stopping.Token), b.CopyToAsync(a, stopping.Token));
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // one side went away
        }
        finally
        {
            Close(inbound);
            Close(outbound);
        }
    }

    private void Close(TcpClient client)
    {
        open.TryRemove(client, out _);
        client.Dispose();
    }
}
