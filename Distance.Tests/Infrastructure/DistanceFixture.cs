using System.Security.Cryptography;
using Distance.Data.Auth;
using Distance.Data.Members;
using Distance.Realtime.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// Real Redis and MariaDB (from scripts/services.sh) with a database and key prefix of its own,
/// and up to two nodes on them. Each test collection gets one, so collections run in parallel
/// without seeing each other; tests inside use unique members instead of truncating tables.
/// </summary>
public sealed class DistanceFixture : IAsyncLifetime
{
    private readonly Lazy<DistanceNode> nodeA;
    private readonly Lazy<DistanceNode> nodeB;
    private readonly int phoneBase = Random.Shared.Next(10_000_000, 90_000_000);
    private int phoneCounter;

    public DistanceFixture()
    {
        Database = TestServices.UniqueName("distance_t");
        KeyPrefix = Database + ":";
        Settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = TestServices.MariaDbConnection(Database),
            ["Redis:ConnectionString"] = TestServices.RedisConnection,
            ["Redis:KeyPrefix"] = KeyPrefix,
            ["Jwt:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Moderation:PhoneHashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Logging:LogLevel:Default"] = "Warning",
            // Pushes relayed within a fraction of a second; tests of the collapse set their own window.
            ["Push:CollapseWindow"] = "00:00:00.200",
            ["Push:RelayInterval"] = "00:00:00.050",
            ["Push:AllowInsecureEndpoints"] = "true",
            // Ready at once: the suite's many nodes need no surge, and the warm-up costs seconds of CPU
            // per node on 2 cores. Observability/WarmUpTests turns it on.
            ["WarmUp:Enabled"] = "false",
        };
        foreach (var (key, value) in RateLimitSettings.Generous)
            Settings[key] = value;
        nodeA = new(() => StartNode(Settings));
        nodeB = new(() => StartNode(Settings));
    }

    public string Database { get; }
    public string KeyPrefix { get; }
    public Dictionary<string, string?> Settings { get; }

    /// <summary>Scans every response and hub message of this fixture's nodes for the phones <see cref="NextPhone"/> handed out.</summary>
    public PhoneLeaks PhoneLeaks { get; } = new();

    /// <summary>More test-only services for every node started from now on (e.g. a log capture); set before the first node starts.</summary>
    public List<Action<IServiceCollection>> NodeServices { get; } = [];

    public DistanceNode NodeA => nodeA.Value;
    public DistanceNode NodeB => nodeB.Value;

    /// <summary>A further node on the same database and Redis, e.g. to restart "the same" server.</summary>
    /// <remarks>
    /// <paramref name="services"/> adds test-only services to this node alone. <paramref name="kestrel"/>:
    /// on a real socket (a loopback port of its own) instead of the in-memory test server.
    /// </remarks>
    public DistanceNode StartNode(
        IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null, bool kestrel = false)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var node = new DistanceNode(settings, services: collection =>
        {
            PhoneLeaks.AddTo(collection);
            foreach (var add in NodeServices)
                add(collection);
            services?.Invoke(collection);
        });
        // Start now, so migrations run before the test uses the node.
        if (kestrel)
        {
            node.UseKestrel(0);
            node.StartServer();
        }
        else
            _ = node.Server;
        return node;
    }

    /// <summary>A Korean mobile number no other member of this run has.</summary>
    public string NextPhone()
    {
        var phone = "010" + (phoneBase + Interlocked.Increment(ref phoneCounter)).ToString("D8");
        PhoneLeaks.Register(phone);
        return phone;
    }

    /// <summary>A member created straight through the repositories, with a logged-in access token.</summary>
    public async Task<TestMember> CreateMemberAsync(
        string gender = "male", string schoolCode = "GACHON", bool studentVerified = false, CancellationToken cancellationToken = default)
    {
        var phone = NextPhone();
        var members = NodeA.Service<MemberRepository>();
        var id = await members.InsertAsync(new NewMember(
            phone, "not-a-real-hash", gender, schoolCode, "공과대학", "컴퓨터공학과", "INTJ", "차분함",
            ["영화", "산책"], ["독서"]), cancellationToken);
        if (studentVerified)
            await MarkStudentVerifiedAsync(id, cancellationToken);
        var loginId = await NodeA.Service<LoginRepository>().CreateAsync(id, null, cancellationToken);
        // A real session (a refresh token too): push delivery skips logins nobody can refresh.
        var tokens = await NodeA.Service<SessionTokens>().IssueAsync(id, loginId, cancellationToken);
        return new TestMember(id, phone, loginId, tokens.AccessToken);
    }

    private async Task MarkStudentVerifiedAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnector.MySqlConnection(Settings["Database:ConnectionString"]);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlConnector.MySqlCommand("UPDATE members SET student_verified = TRUE WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", memberId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (nodeA.IsValueCreated)
            await nodeA.Value.DisposeAsync();
        if (nodeB.IsValueCreated)
            await nodeB.Value.DisposeAsync();
        await TestServices.DropDatabaseAsync(Database);
        await TestServices.DeleteKeysAsync(KeyPrefix);
        // HTTP leaks already failed their test; a hub message has no request to fail, so it fails here.
        if (!PhoneLeaks.Violations.IsEmpty)
            throw new InvalidOperationException("Phone numbers leaked: " + string.Join("; ", PhoneLeaks.Violations));
    }
}

public sealed record TestMember(long Id, string Phone, long LoginId, string AccessToken);
