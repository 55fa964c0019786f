using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.RateLimiting;

[Collection(nameof(ProtectionCollection))]
public sealed class HttpRateLimitTests(ProtectionFixture fixture)
{
    private const string Rejections = "distance.rate_limit.rejections";
    private DistanceFixture Distance => fixture.Distance;

    [Fact]
    public async Task AMembersLimitHoldsAcrossTwoNodesAndSparesOtherMembers()
    {
        var member = await Distance.CreateMemberAsync().Within();
        var other = await Distance.CreateMemberAsync().Within();
        using var onA = Client(Distance.NodeA, member);
        using var onB = Client(Distance.NodeB, member);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < ProtectionFixture.MemberLimit + 2; i++)
            statuses.Add((await (i % 2 == 0 ? onA : onB).GetAsync("/api/limit-probe").Within()).StatusCode);

        // Each node alone saw at most 4 requests: only a shared bucket refuses the 6th and 7th.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, ProtectionFixture.MemberLimit), statuses.Take(ProtectionFixture.MemberLimit));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(ProtectionFixture.MemberLimit));
        using var otherOnA = Client(Distance.NodeA, other);
        using var otherOnB = Client(Distance.NodeB, other);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOnA.GetAsync("/api/limit-probe").Within()).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOnB.GetAsync("/api/limit-probe").Within()).StatusCode);
    }

    [Fact]
    public async Task ARefusedRequestIs429ProblemDetailsRateLimitedWithRetryAfterAndIsCounted()
    {
        var member = await Distance.CreateMemberAsync().Within();
        using var client = Client(Distance.NodeA, member);
        using var metrics = new MetricRecorder(Distance.NodeA.Service<DistanceMetrics>().RateLimitRejections.Meter);
        for (var i = 0; i < ProtectionFixture.MemberLimit; i++)
            await client.GetAsync("/api/limit-probe").Within();

        var refused = await client.GetAsync("/api/limit-probe").Within();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var body = await refused.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal("rate_limited", body.GetProperty("code").GetString());
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        // One token comes back per minute: the client is told to wait about that long, in whole seconds.
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(1, metrics.Sum(Rejections, ("policy", "global")));
    }

    [Fact]
    public async Task ANamedPolicyRefusesPerClientIpOnTopOfTheGlobalLimit()
    {
        using var metrics = new MetricRecorder(Distance.NodeA.Service<DistanceMetrics>().RateLimitRejections.Meter);
        var statuses = new List<int>();
        for (var i = 0; i < ProtectionFixture.AuthLimit + 1; i++)
            statuses.Add((await Distance.NodeA.SendFromAsync("198.51.100.20", "POST", ProbeHost.AuthPolicyPath)).StatusCode);

        // The auth policy (2) refuses before the anonymous global limit (4) would.
        Assert.Equal([204, 204, 429], statuses);
        Assert.Equal(1, metrics.Sum(Rejections, ("policy", "auth")));
        Assert.Equal(204, (await Distance.NodeB.SendFromAsync("198.51.100.21", "POST", ProbeHost.AuthPolicyPath)).StatusCode);
    }

    [Fact]
    public async Task ASpoofedForwardedForFromAnUntrustedPeerIsIgnored()
    {
        var statuses = new List<int>();
        for (var i = 0; i < ProtectionFixture.AnonymousLimit + 1; i++)
        {
            // A new "client address" every time: honoured, it would give the caller a fresh bucket each request.
            var response = await Distance.NodeA.SendFromAsync("203.0.113.7", "GET", "/api/limit-probe", forwardedFor: $"192.0.2.{i + 1}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([404, 404, 404, 404, 429], statuses);
    }

    [Fact]
    public async Task ForwardedForFromATrustedProxyNamesTheClient()
    {
        // Many clients behind the one proxy: each has its own bucket, so none is refused ...
        for (var i = 0; i < ProtectionFixture.AnonymousLimit + 1; i++)
        {
            var response = await Distance.NodeA.SendFromAsync(ProtectionFixture.TrustedProxy, "GET", "/api/limit-probe", forwardedFor: $"192.0.2.{100 + i}");
            Assert.Equal(404, response.StatusCode);
        }

        // ... until one client alone exhausts its own.
        var statuses = new List<int>();
        for (var i = 0; i < ProtectionFixture.AnonymousLimit; i++)
            statuses.Add((await Distance.NodeB.SendFromAsync(ProtectionFixture.TrustedProxy, "GET", "/api/limit-probe", forwardedFor: "192.0.2.100")).StatusCode);
        Assert.Equal([404, 404, 404, 429], statuses);
    }

    [Fact]
    public async Task ProbesAndScrapesAreNeverLimited()
    {
        for (var i = 0; i < ProtectionFixture.AnonymousLimit * 3; i++)
        {
            Assert.Equal(200, (await Distance.NodeA.SendFromAsync("198.51.100.30", "GET", "/health/live")).StatusCode);
            Assert.Equal(200, (await Distance.NodeA.SendFromAsync("198.51.100.30", "GET", "/metrics")).StatusCode);
        }
        Assert.Equal(200, (await Distance.NodeA.SendFromAsync("198.51.100.30", "GET", "/health/ready")).StatusCode);
    }

    private static HttpClient Client(DistanceNode node, TestMember member)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.AccessToken);
        return client;
    }
}
