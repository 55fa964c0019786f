using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distance.Tests.Observability;

[Collection(nameof(TracingCollection))]
public sealed class TracingTests(DistanceFixture fixture)
{
    [Fact]
    public async Task AProblemCarriesTheTraceIdOfTheRequest()
    {
        using var client = fixture.NodeA.CreateClient();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var traced = await client.SendAsync(request).Within();
        var untraced = await client.GetAsync("/api/rooms/1/messages").Within();

        var body = await traced.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.Equal(traceId, body.GetProperty("traceId").GetString());
        var other = await untraced.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.Matches("^[0-9a-f]{32}$", other.GetProperty("traceId").GetString());
        Assert.NotEqual(traceId, other.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task WithAnOtlpEndpointSpansOfTheRequestArriveThere()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var node = fixture.StartNode(new Dictionary<string, string?> { ["Observability:OtlpEndpoint"] = receiver.BaseUrl });
        var member = await fixture.CreateMemberAsync().Within();
        using var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", member.AccessToken);
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var response = await client.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceIdBytes = Convert.FromHexString(traceId.ToHexString());
        bool Holds(byte[] batch, ReadOnlySpan<byte> text) => batch.AsSpan().IndexOf(text) >= 0;
        // OTLP/HTTP protobuf: the spans' 16-byte trace id, the route, the MySqlConnector scope and the service name are in the exported batches.
        await Eventually.UntilAsync(() => Task.FromResult(
                receiver.Batches.Any(b => Holds(b, traceIdBytes) && Holds(b, "/api/me"u8))
                && receiver.Batches.Any(b => Holds(b, traceIdBytes) && Holds(b, "MySqlConnector"u8))),
            TimeSpan.FromSeconds(20), "the request's spans did not reach the OTLP receiver");
        Assert.All(receiver.ContentTypes, type => Assert.Equal("application/x-protobuf", type));
        Assert.Contains(receiver.Batches, b => Holds(b, traceIdBytes) && Holds(b, "distance-realtime"u8));
    }

    /// <summary>A minimal OTLP/HTTP collector: accepts protobuf POSTs to /v1/traces and keeps their bodies.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication app;

        private OtlpReceiver(WebApplication app) => this.app = app;

        public ConcurrentQueue<byte[]> Batches { get; } = new();

        public ConcurrentBag<string> ContentTypes { get; } = [];

        public string BaseUrl { get; private set; } = "";

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver.ContentTypes.Add(request.ContentType ?? "");
                receiver.Batches.Enqueue(body.ToArray());
                return Results.Ok();
            });
            await app.StartAsync().Within();
            receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}

[CollectionDefinition(nameof(TracingCollection))]
public sealed class TracingCollection : ICollectionFixture<DistanceFixture>;
