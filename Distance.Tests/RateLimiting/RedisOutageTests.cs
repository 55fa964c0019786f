using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.RateLimiting;

/// <summary>A node that loses Redis: readiness says so, limits keep holding per node, nothing answers 500.</summary>
[Collection(nameof(RedisOutageCollection))]
public sealed class RedisOutageTests(ProtectionFixture fixture) : IAsyncLifetime
{
    private readonly TcpProxy redis = new(new Uri("tcp://" + TestServices.RedisConnection).Port);
    private DistanceNode? node;

    [Fact]
    public async Task WithoutRedisReadinessFailsAndLimitsFallBackToTheNodeUntilRedisReturns()
    {
        var outaged = Node();
        using var client = outaged.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready").Within()).StatusCode);
        using var metrics = new MetricRecorder(outaged.Service<DistanceMetrics>().RateLimitLocalDecisions.Meter);

        redis.Cut();

        await Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable,
            because: "readiness should report the lost Redis");
        var report = await (await client.GetAsync("/health/ready").Within()).Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("redis").GetString());

        var elapsed = Stopwatch.StartNew();
        var statuses = new List<int>();
        for (var i = 0; i < ProtectionFixture.AnonymousLimit + 1; i++)
            statuses.Add((await outaged.SendFromAsync("198.51.100.77", "GET", "/api/limit-probe")).StatusCode);
        elapsed.Stop();
        // Decided locally at once (no Redis timeouts per request), and still refusing past the limit.
        Assert.Equal([404, 404, 404, 404, 429], statuses);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(2), $"limiting without Redis took {elapsed.Elapsed}");
        Assert.Equal(ProtectionFixture.AnonymousLimit + 1, metrics.Sum("distance.rate_limit.local_decisions", ("policy", "global")));

        redis.Restore();

        await Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "readiness should recover with Redis");
        await Eventually.UntilAsync(async () =>
        {
            await outaged.SendFromAsync("198.51.100.78", "GET", "/api/limit-probe");
            return await BucketExistsAsync("global:ip:198.51.100.78");
        }, TimeSpan.FromSeconds(30), "the limiter should go back to Redis");
    }

    private DistanceNode Node() => node ??= fixture.Distance.StartNode(new Dictionary<string, string?>
    {
        ["Redis:ConnectionString"] = $"127.0.0.1:{redis.Port}",
        ["RateLimiting:RedisRetryInterval"] = "00:00:01",
    });

    private async Task<bool> BucketExistsAsync(string bucket)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConnection);
        return await connection.GetDatabase().KeyExistsAsync($"rl:tb:{{{fixture.Distance.KeyPrefix}rl:{bucket}}}");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (node is not null)
            await node.DisposeAsync();
        await redis.DisposeAsync();
    }
}

[CollectionDefinition(nameof(RedisOutageCollection))]
public sealed class RedisOutageCollection : ICollectionFixture<ProtectionFixture>;
