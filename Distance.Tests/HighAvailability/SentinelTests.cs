using Distance.Tests.Infrastructure;

namespace Distance.Tests.HighAvailability;

/// <summary>
/// Redis behind three sentinels (scripts/ha.sh up redis: sentinels on 26400-26402, or from
/// DISTANCE_HA_SENTINEL_PORT, watching the service "distance"). A boot finds the primary through
/// them or fails with one line. Following a kill -9 failover under chat load is the redis-failover
/// drill's (scripts/drills/run-ha.sh, figures in docs/reliability.md), not a test's.
/// </summary>
[Trait("Category", "HighAvailability")]
public sealed class SentinelTests : IAsyncLifetime
{
    private const string Service = "distance";
    private static readonly int SentinelPort = ReplicaFixture.Port("DISTANCE_HA_SENTINEL_PORT", 26400);
    private static readonly string Sentinels = $"127.0.0.1:{SentinelPort},127.0.0.1:{SentinelPort + 1},127.0.0.1:{SentinelPort + 2}";
    private readonly string database = TestServices.UniqueName("distance_st");

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

    private Dictionary<string, string?> Settings(string redis) =>
        ReplicaFixture.NodeSettings(TestServices.MariaDbConnection(database), redis, database + ":");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await TestServices.DropDatabaseAsync(database);
}
