using System.Net;
using System.Security.Cryptography;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.HighAvailability;

/// <summary>
/// Redis behind three sentinels (scripts/ha.sh up redis: sentinels on 26400-26402, or from
/// DISTANCE_HA_SENTINEL_PORT, watching the service "distance"). The node finds the primary through them and follows a failover.
/// </summary>
[Trait("Category", "HighAvailability")]
public sealed class SentinelTests : IAsyncLifetime
{
    private const string Service = "distance";
    private static readonly int SentinelPort = ReplicaFixture.Port("DISTANCE_HA_SENTINEL_PORT", 26400);
    private static readonly string Sentinels = $"127.0.0.1:{SentinelPort},127.0.0.1:{SentinelPort + 1},127.0.0.1:{SentinelPort + 2}";
    private readonly string database = TestServices.UniqueName("distance_st");

    [Fact]
    public async Task TheNodeWritesToThePrimaryTheSentinelsNameAndFollowsAFailover()
    {
        await using var node = new DistanceNode(Settings(Sentinels + ",serviceName=" + Service));
        var redis = node.Service<IDatabase>();
        await using var sentinels = await ConnectionMultiplexer.SentinelConnectAsync(Sentinels).Within();
        var sentinel = sentinels.GetServer(sentinels.GetEndPoints()[0]);
        var before = (await sentinel.SentinelGetMasterAddressByNameAsync(Service).Within())!;
        await redis.StringSetAsync("probe", "before").Within();
        Assert.Equal("before", await ReadOnAsync(before, database + ":probe"));

        await sentinel.SentinelFailoverAsync(Service).Within();

        EndPoint? after = null;
        await Eventually.UntilAsync(async () =>
        {
            after = await sentinel.SentinelGetMasterAddressByNameAsync(Service);
            return after is not null && !after.Equals(before);
        }, TimeSpan.FromSeconds(20), "the sentinels promoted the replica");
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await redis.StringSetAsync("probe", "after");
                return await ReadOnAsync(after!, database + ":probe") == "after";
            }
            catch (RedisException)
            {
                return false; // the old primary refuses writes until the node has switched
            }
        }, TimeSpan.FromSeconds(10), "the node writes to the promoted primary within 10 s");
    }

    [Fact]
    public async Task ABootWhoseSentinelsAnswerNothingFailsWithOneLine()
    {
        var folder = AppContext.BaseDirectory;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList = { "exec", "--runtimeconfig", Path.Combine(folder, "Distance.Realtime.runtimeconfig.json"), Path.Combine(folder, "Distance.Realtime.dll") },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in Settings("127.0.0.1:26409,serviceName=" + Service))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().Within(TimeSpan.FromSeconds(60));

        Assert.Equal(78, process.ExitCode);
        var line = Assert.Single((await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Distance cannot start: Redis:ConnectionString names the sentinel service 'distance', but no sentinel named its primary " +
            "(answered nothing: 127.0.0.1:26409).", line.TrimEnd());
        Assert.DoesNotContain("Exception", await output);
    }

    private Dictionary<string, string?> Settings(string redis)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = TestServices.MariaDbConnection(database),
            ["Redis:ConnectionString"] = redis,
            ["Redis:KeyPrefix"] = database + ":",
            ["Jwt:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Moderation:PhoneHashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in RateLimitSettings.Generous)
            settings[key] = value;
        return settings;
    }

    private static async Task<string?> ReadOnAsync(EndPoint server, string key)
    {
        await using var direct = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { server } }).Within();
        return await direct.GetDatabase().StringGetAsync(key).Within();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await TestServices.DropDatabaseAsync(database);
}
