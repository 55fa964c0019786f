using System.Net;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.RateLimiting;

/// <summary>Ways to reach a node as a particular client: a hub connection to the probe hub, a request from a chosen peer address.</summary>
public static class ProbeClients
{
    public static HubConnection CreateProbeConnection(this DistanceNode node, string accessToken, bool skipNegotiation = false)
    {
        var server = node.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, ProbeHost.HubPath), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = skipNegotiation;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + accessToken;
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
    }

    /// <summary>
    /// A request whose TCP peer is <paramref name="peer"/> (the test server otherwise has none),
    /// optionally carrying an X-Forwarded-For header. Returns the response's status and headers.
    /// </summary>
    public static async Task<HttpResponse> SendFromAsync(
        this DistanceNode node, string peer, string method, string path, string? forwardedFor = null)
    {
        var context = await node.Server.SendAsync(http =>
        {
            http.Request.Method = method;
            http.Request.Path = path;
            http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            if (forwardedFor is not null)
                http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }).Within();
        return context.Response;
    }
}
