using System.Net;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Hosting;

/// <summary>
/// CORS from configuration (issue #15): an origin named in Cors:AllowedOrigins gets the headers a
/// browser needs for the API and for the hub's negotiate (with credentials, as SignalR's browser
/// client sends them); any other origin, and every origin when the list is empty, gets none.
/// </summary>
[Collection(nameof(CrossOriginCollection))]
public sealed class CrossOriginTests(CrossOriginFixture fixture)
{
    private const string Negotiate = "/hubs/chat/negotiate?negotiateVersion=1";

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string origin, TestMember member)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Authorization = new("Bearer", member.AccessToken);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private async Task<HttpResponseMessage> SendAsync(DistanceNode node, HttpRequestMessage request)
    {
        using (request)
        using (var client = node.CreateClientFrom())
            return await client.SendAsync(request).Within();
    }

    [Fact]
    public async Task AnAllowedOriginsPreflightAndRequestsGetTheHeadersForTheApiAndTheHubNegotiate()
    {
        var member = await fixture.Nodes.CreateMemberAsync().Within();
        var node = fixture.Nodes.NodeA;

        var apiPreflight = await SendAsync(node, Preflight("/api/rooms", CrossOriginFixture.Allowed, "GET", "authorization"));
        var hubPreflight = await SendAsync(node, Preflight(Negotiate, CrossOriginFixture.Allowed, "POST", "authorization,x-requested-with,x-signalr-user-agent"));
        var api = await SendAsync(node, Request(HttpMethod.Get, "/api/rooms", CrossOriginFixture.Allowed, member));
        var negotiate = await SendAsync(node, Request(HttpMethod.Post, Negotiate, CrossOriginFixture.Allowed, member));

        foreach (var preflight in new[] { apiPreflight, hubPreflight })
        {
            Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
            Assert.Equal(CrossOriginFixture.Allowed, Header(preflight, "Access-Control-Allow-Origin"));
            Assert.Equal("true", Header(preflight, "Access-Control-Allow-Credentials"));
            Assert.Contains("authorization", Header(preflight, "Access-Control-Allow-Headers")!, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("POST", Header(hubPreflight, "Access-Control-Allow-Methods")!);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        foreach (var response in new[] { api, negotiate })
        {
            Assert.Equal(CrossOriginFixture.Allowed, Header(response, "Access-Control-Allow-Origin"));
            Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        }
        Assert.Equal("Retry-After", Header(api, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task AnotherOriginAndAnyOriginWithoutConfigurationGetNoCorsHeaders()
    {
        var member = await fixture.Nodes.CreateMemberAsync().Within();
        await using var unconfigured = fixture.Nodes.StartNode(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "" });
        var cases = new[]
        {
            (fixture.Nodes.NodeA, "https://evil.example.net"),
            (fixture.Nodes.NodeA, "http://app.example.com"), // same host, other scheme: another origin
            (unconfigured, CrossOriginFixture.Allowed),
        };

        foreach (var (node, origin) in cases)
        {
            var responses = new[]
            {
                await SendAsync(node, Preflight("/api/rooms", origin, "GET", "authorization")),
                await SendAsync(node, Preflight(Negotiate, origin, "POST", "authorization")),
                await SendAsync(node, Request(HttpMethod.Get, "/api/rooms", origin, member)),
                await SendAsync(node, Request(HttpMethod.Post, Negotiate, origin, member)),
            };
            // The request itself is served (CORS is the browser's check), but nothing lets a browser read it.
            Assert.Equal(HttpStatusCode.OK, responses[2].StatusCode);
            Assert.All(responses, r => Assert.DoesNotContain(r.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)));
        }
    }
}

/// <summary>Nodes that allow one web origin.</summary>
public sealed class CrossOriginFixture : IAsyncLifetime
{
    public const string Allowed = "https://app.example.com";

    public DistanceFixture Nodes { get; } = new();

    public Task InitializeAsync()
    {
        Nodes.Settings["Cors:AllowedOrigins:0"] = Allowed;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Nodes.DisposeAsync();
}

[CollectionDefinition(nameof(CrossOriginCollection))]
public sealed class CrossOriginCollection : ICollectionFixture<CrossOriginFixture>;
