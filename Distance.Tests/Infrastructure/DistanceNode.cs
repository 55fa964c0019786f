using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// One Distance node hosted in the test process. Nodes of one <see cref="DistanceFixture"/> share
/// its database and Redis prefix, so two of them behave like two servers behind a load balancer.
/// </summary>
public sealed class DistanceNode(IReadOnlyDictionary<string, string?> settings, string environment = "Development")
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());
    }

    /// <summary>Header through which a test plays a client at a given IP (the test server has no real peer address).</summary>
    public const string ClientIpHeader = "X-Test-Client-Ip";

    private sealed class TestClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientIpHeader].ToString(), out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A hub connection to this node over WebSockets, authenticated with <paramref name="accessToken"/>.</summary>
    public HubConnection CreateHubConnection(string accessToken, bool messagePack = false)
    {
        var server = Server;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/chat"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    // The test server's WebSocket client does not apply the access token itself.
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + accessToken;
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            });
        if (messagePack)
            builder.AddMessagePackProtocol();
        return builder.Build();
    }
}
