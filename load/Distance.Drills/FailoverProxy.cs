using System.Net;
using System.Net.Sockets;

namespace Distance.Drills;

/// <summary>
/// What a load balancer with a preferred node does, on loopback: each new TCP connection goes to
/// the first backend that accepts it, in the given order. A client "homed" on node 1 uses a proxy
/// preferring node 1; when node 1 dies, its reconnects land on node 2. When either side of a
/// forwarded connection closes, both are closed, as a balancer would.
/// </summary>
public sealed class FailoverProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<IPEndPoint> backends;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    public FailoverProxy(IReadOnlyList<Uri> preferredOrder)
    {
        backends = preferredOrder.Select(u => new IPEndPoint(IPAddress.Loopback, u.Port)).ToList();
        listener.Start(1024);
        accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var inbound = await listener.AcceptTcpClientAsync(stopping.Token);
                _ = ForwardAsync(inbound);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        using var _ = inbound;
        inbound.NoDelay = true;
        for (var i = 0; i < backends.Count; i++)
        {
            using var outbound = new TcpClient { NoDelay = true };
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(2));
                await outbound.ConnectAsync(backends[i], connectTimeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                continue; // that node is down: try the next one
            }
            try
            {
                var (a, b) = (inbound.GetStream(), outbound.GetStream());
                await Task.WhenAny(a.CopyToAsync(b, stopping.Token), b.CopyToAsync(a, stopping.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // one side went away
            }
            return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }
}
