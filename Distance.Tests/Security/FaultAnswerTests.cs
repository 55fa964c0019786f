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
        var latch = new StopLatch();
        await using var node = fixture.Distance.StartNode(services: services => services.AddSingleton<IHostedService>(latch));
        var member = await fixture.Distance.CreateMemberAsync();
        using var client = node.CreateClientFrom(accessToken: member.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within()).StatusCode);

        // Stopping begins (SignalR closes every connection now). The latch holds the server's own
        // stop, as Kestrel on a real node still accepts for a moment: without it the test host may
        // already be disposed when the request arrives, and answers 500 itself.
        node.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await latch.Reached.Within();
        try
        {
            var negotiate = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within();

            await negotiate.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.Equal("1", negotiate.Headers.RetryAfter?.ToString());
        }
        finally
        {
            latch.Release();
        }
    }

    /// <summary>Holds the host's stop at its first step (before the server stops) until released, ten seconds at most.</summary>
    private sealed class StopLatch : IHostedLifecycleService
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => reached.Task;

        public void Release() => released.TrySetResult();

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            reached.TrySetResult();
            try
            {
                await released.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }
            catch (TimeoutException)
            {
                // A test that never released the stop must not hold the node for ever.
            }
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
