using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.HighAvailability;

/// <summary>
/// A logout must survive a Sentinel failover: its revocation is answered only once a replica holds
/// it (ReplicatedWrites), so the replica promoted next cannot bring the revoked tokens back. The
/// replica of scripts/ha.sh (Redis on 6400/6401 behind the sentinels on 26400-26402) is frozen with
/// SIGSTOP for under a second, shorter than the sentinels' down-after (1 s): nothing fails over.
/// </summary>
[Trait("Category", "HighAvailability")]
public sealed class RevocationReplicaTests : IAsyncLifetime
{
    private static readonly int SentinelPort = ReplicaFixture.Port("DISTANCE_HA_SENTINEL_PORT", 26400);
    private static readonly int RedisPort = ReplicaFixture.Port("DISTANCE_HA_REDIS_PRIMARY_PORT", 6400);
    private readonly string database = TestServices.UniqueName("distance_rv");
    private DistanceNode node = null!;
    private ConnectionMultiplexer redis = null!;

    [Fact]
    public async Task ALogoutIsAnsweredOnlyOnceAReplicaHoldsTheRevocation()
    {
        Start(replicaWait: TimeSpan.FromSeconds(4));
        await LogOutOnceAsync();
        var (member, http) = await SignUpAsync();
        var replica = await ReplicaAsync();

        Task<HttpResponseMessage> logout;
        using (Freeze(replica.ProcessId))
        {
            logout = http.PostAsJsonAsync("/api/auth/logout", new { refreshToken = member.RefreshToken });
            await Task.Delay(TimeSpan.FromMilliseconds(700));
            Assert.False(logout.IsCompleted, "the logout was answered while no replica could hold its revocation");
        }

        Assert.Equal(HttpStatusCode.NoContent, (await logout.Within()).StatusCode);
        // Read on the replica itself right after the answer: both revocations are already there.
        Assert.Equal(2, (await RevokedOnAsync(replica.Server)).Length);
        using var revoked = node.CreateClientFrom(accessToken: member.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/me").Within()).StatusCode);
    }

    [Fact]
    public async Task AReplicaThatDoesNotAnswerDelaysALogoutByTheTimeoutOnly()
    {
        Start(replicaWait: TimeSpan.FromMilliseconds(300));
        await LogOutOnceAsync();
        var (member, http) = await SignUpAsync();
        var replica = await ReplicaAsync();

        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        // Answered while the replica is still frozen: it stays so until the answer or Within's 10 s.
        using (Freeze(replica.ProcessId))
            response = await http.PostAsJsonAsync("/api/auth/logout", new { refreshToken = member.RefreshToken }).Within();
        var took = watch.Elapsed;

        // The primary has the revocation, and the node refuses the token.
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(took >= TimeSpan.FromMilliseconds(300), $"the logout took {took}, less than the replica wait");
        using var revoked = node.CreateClientFrom(accessToken: member.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/me").Within()).StatusCode);
    }

    /// <summary>A first logout with every server answering: it opens the node's connection for such writes.</summary>
    private async Task LogOutOnceAsync()
    {
        var (member, http) = await SignUpAsync();
        using (http)
            Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/auth/logout", new { refreshToken = member.RefreshToken }).Within()).StatusCode);
    }

    private void Start(TimeSpan replicaWait)
    {
        var settings = ReplicaFixture.NodeSettings(TestServices.MariaDbConnection(database),
            $"127.0.0.1:{SentinelPort},127.0.0.1:{SentinelPort + 1},127.0.0.1:{SentinelPort + 2},serviceName=distance", database + ":");
        settings["Redis:ReplicaWaitTimeout"] = replicaWait.ToString();
        node = new DistanceNode(settings);
        _ = node.Server;
    }

    private async Task<(SignedUpMember Member, HttpClient Http)> SignUpAsync()
    {
        var phone = "010" + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (await node.SignUpAsync(phone), node.CreateClientFrom());
    }

    /// <summary>Whichever of the two Redis servers is the replica now (a failover drill may have swapped them), and its process.</summary>
    private async Task<(IServer Server, int ProcessId)> ReplicaAsync()
    {
        await redis.ConfigureAsync().Within();
        var server = redis.GetServers().Single(s => s.IsConnected && s.IsReplica);
        var info = await server.InfoAsync("server").Within();
        var pid = info.SelectMany(group => group).Single(pair => pair.Key == "process_id").Value;
        return (server, int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
    }

    private Task<RedisKey[]> RevokedOnAsync(IServer server) => TestServices.KeysAsync(server, database + ":auth:revoked-login:*");

    /// <summary>Stops the process (SIGSTOP) until disposed (SIGCONT).</summary>
    private static IDisposable Freeze(int processId)
    {
        Signal("STOP", processId);
        return new Thaw(processId);
    }

    private static void Signal(string signal, int processId)
    {
        using var kill = Process.Start("kill", ["-" + signal, processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private sealed class Thaw(int processId) : IDisposable
    {
        public void Dispose() => Signal("CONT", processId);
    }

    public async Task InitializeAsync() =>
        redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{RedisPort},127.0.0.1:{RedisPort + 1},allowAdmin=true").Within();

    public async Task DisposeAsync()
    {
        if (node is not null)
            await node.DisposeAsync();
        var primary = redis.GetServers().Single(s => s.IsConnected && !s.IsReplica);
        var keys = await TestServices.KeysAsync(primary, database + ":*");
        if (keys.Length > 0)
            await redis.GetDatabase().KeyDeleteAsync(keys);
        redis.Dispose();
        await TestServices.DropDatabaseAsync(database);
    }
}
