using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distance.Push.StandIns;

/// <summary>
/// Both stand-ins on one loopback port: FCM at /v1/…, its token endpoint at /token, Web Push at
/// /webpush/{id} (reached as <see cref="WebPushStandIn.Origin"/>, see <see cref="RouteToStandIn"/>).
/// </summary>
public sealed class PushStandIns : IAsyncDisposable
{
    private readonly WebApplication app;

    public FcmStandIn Fcm { get; }
    public WebPushStandIn WebPush { get; }
    public Uri BaseAddress { get; }

    /// <summary>Every request either stand-in refused; a correct sender leaves this empty.</summary>
    public IReadOnlyList<string> Rejections => [.. Fcm.Rejections, .. WebPush.Rejections];

    public static async Task<PushStandIns> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fcm = new FcmStandIn();
        var webPush = new WebPushStandIn();
        fcm.Map(app);
        webPush.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PushStandIns(app, new Uri(address.TrimEnd('/') + "/"), fcm, webPush);
    }

    private PushStandIns(WebApplication app, Uri baseAddress, FcmStandIn fcm, WebPushStandIn webPush)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Fcm = fcm;
        WebPush = webPush;
        fcm.BaseAddress = baseAddress;
    }

    /// <summary>
    /// An HTTP handler that connects every request for <see cref="WebPushStandIn.Origin"/> to this
    /// stand-in (as a hosts-file entry would): the primary handler of the worker's Web Push client in tests.
    /// </summary>
    public SocketsHttpHandler RouteToStandIn() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var target = context.DnsEndPoint.Host == new Uri(WebPushStandIn.Origin).Host
                ? new System.Net.DnsEndPoint(BaseAddress.Host, BaseAddress.Port)
                : context.DnsEndPoint;
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(target, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
