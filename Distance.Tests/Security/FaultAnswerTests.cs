using System.Diagnostics;
using System.Net;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distance.Tests.Security;

/// <summary>
/// What the fault drills (scripts/drills) found, pinned down in-process: a node without Redis
/// refuses signed-in requests at once with 503 (it cannot check revocations, and must not let a
/// revoked token through) and says so in readiness at once; a stopping node refuses new hub
/// connections so they go elsewhere.
/// </summary>
[Collection(nameof(SecurityCollection))]
public sealed class FaultAnswerTests(SecurityFixture fixture)
{
    [Fact]
    public async Task WithoutRedisASignedInRequestIsAnswered503AtOnceReadinessIsRedAtOnceAndNothingIsLoggedAsAnError()
    {
        await using var redis = new TcpProxy(new Uri("tcp://" + TestServices.RedisConnection).Port);
        await using var node = fixture.Distance.StartNode(new Dictionary<string, string?> { ["Redis:ConnectionString"] = $"127.0.0.1:{redis.Port}" });
        var member = await fixture.Distance.CreateMemberAsync();
        using var client = node.CreateClientFrom(accessToken: member.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me").Within()).StatusCode);
        var errorsBefore = fixture.Logs.Errors.Count(e => e.Category.Contains("JwtBearer", StringComparison.Ordinal));

        redis.Cut();
        await Eventually.UntilAsync(() => Task.FromResult(!node.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().IsConnected));
        var timer = Stopwatch.StartNew();
        var me = await client.GetAsync("/api/me").Within();
        var negotiate = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within();
        var ready = await client.GetAsync("/health/ready").Within();
        timer.Stop();

        await me.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal("5", me.Headers.RetryAfter?.ToString());
        await negotiate.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(1), $"the refusals and readiness took {timer.Elapsed} (waiting out the Redis timeout?)");
        Assert.Equal(errorsBefore, fixture.Logs.Errors.Count(e => e.Category.Contains("JwtBearer", StringComparison.Ordinal)));

        redis.Restore();
        await Eventually.UntilAsync(async () => (await client.GetAsync("/api/me")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "signed-in requests should work again once Redis is back");
    }

    [Fact]
    public async Task AStoppingNodeRefusesNewHubConnectionsSoClientsGoToAnotherNode()
    {
        await using var node = fixture.Distance.StartNode();
        var member = await fixture.Distance.CreateMemberAsync();
        using var client = node.CreateClientFrom(accessToken: member.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within()).StatusCode);

        // Stopping begins (SignalR closes every connection now); the server itself stops a moment later.
        node.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var negotiate = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within();

        await negotiate.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal("1", negotiate.Headers.RetryAfter?.ToString());
    }
}
