using System.Security.Cryptography;
using Dapper;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.HighAvailability;

/// <summary>
/// The MariaDB primary and GTID replica that scripts/ha.sh starts (3320 and 3321 unless
/// DISTANCE_HA_DB_PRIMARY_PORT says otherwise; the replica is on the next port), a database of this
/// run's own on them, and one node reading through a proxy to the replica that a test can cut.
/// </summary>
public sealed class ReplicaFixture : IAsyncLifetime
{
    public static readonly int PrimaryPort = Port("DISTANCE_HA_DB_PRIMARY_PORT", 3320);
    public static readonly int ReplicaPort = PrimaryPort + 1;
    public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(1);

    public string Database { get; } = TestServices.UniqueName("distance_ha");
    public TcpProxy ReplicaProxy { get; } = new(ReplicaPort);
    public DistanceNode Node { get; private set; } = null!;

    public string PrimaryConnection => Connection(PrimaryPort, Database);
    public string ReplicaConnection => Connection(ReplicaPort, Database);

    public static string Connection(int port, string database) => $"Server=127.0.0.1;Port={port};User ID=root;Database={database}";

    public async Task InitializeAsync()
    {
        await using (var probe = new MySqlConnection(Connection(ReplicaPort, "")))
        {
            try
            {
                await probe.OpenAsync();
            }
            catch (MySqlException exception)
            {
                throw new InvalidOperationException($"No replica on 127.0.0.1:{ReplicaPort}: run `bash scripts/ha.sh up mariadb` first.", exception);
            }
        }
        var settings = NodeSettings(PrimaryConnection, TestServices.RedisConnection, Database + ":");
        settings["Database:ReadConnectionString"] = Connection(ReplicaProxy.Port, Database);
        settings["Database:ReplicaMaxLag"] = MaxLag.ToString();
        settings["Database:ReplicaCheckInterval"] = "00:00:00.100";
        Node = new DistanceNode(settings);
        _ = Node.Server; // migrations run on the primary and replicate
    }

    /// <summary>Runs SQL on the replica itself (not through the proxy), e.g. to stop replication.</summary>
    public async Task OnReplicaAsync(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(Connection(ReplicaPort, ""));
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public async Task OnPrimaryAsync(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(PrimaryConnection);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Waits until the replica has applied everything the primary has committed so far.</summary>
    public async Task ReplicaCaughtUpAsync()
    {
        await using var primary = new MySqlConnection(PrimaryConnection);
        await primary.OpenAsync();
        var position = await primary.ExecuteScalarAsync<string>("SELECT @@gtid_binlog_pos");
        await using var replica = new MySqlConnection(Connection(ReplicaPort, ""));
        await replica.OpenAsync();
        var reached = await replica.ExecuteScalarAsync<int>("SELECT MASTER_GTID_WAIT(@position, 10)", new { position });
        Assert.Equal(0, reached);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await ReplicaProxy.DisposeAsync();
        // Replication is left running whatever a test did, and the drop reaches the replica through it.
        await OnReplicaAsync("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE");
        await using var connection = new MySqlConnection(Connection(PrimaryPort, ""));
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS `{Database}`");
        await TestServices.DeleteKeysAsync(Database + ":");
    }

    /// <summary>What a node of the high-availability tests needs: its database, its Redis and key prefix, fresh keys, generous limits.</summary>
    public static Dictionary<string, string?> NodeSettings(string database, string redis, string keyPrefix)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = database,
            ["Redis:ConnectionString"] = redis,
            ["Redis:KeyPrefix"] = keyPrefix,
            ["Jwt:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Moderation:PhoneHashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in RateLimitSettings.Generous)
            settings[key] = value;
        return settings;
    }

    public static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;
}

[CollectionDefinition(nameof(ReplicaCollection))]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaFixture>;
