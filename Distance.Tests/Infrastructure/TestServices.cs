using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// Where the real Redis and MariaDB that scripts/services.sh started are. The same defaults as
/// the scripts; DISTANCE_REDIS_PORT / DISTANCE_MARIADB_PORT override both.
/// </summary>
public static class TestServices
{
    public static string RedisConnection =>
        $"127.0.0.1:{Environment.GetEnvironmentVariable("DISTANCE_REDIS_PORT") ?? "6380"}";

    public static string MariaDbConnection(string database) =>
        $"Server=127.0.0.1;Port={Environment.GetEnvironmentVariable("DISTANCE_MARIADB_PORT") ?? "3307"};" +
        $"User ID=root;Database={database};Maximum Pool Size=200";

    /// <summary>
    /// Senders a node outside Development insists on (it refuses to boot without real ones);
    /// they point at closed loopback ports, for tests that never send a code.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> PlaceholderSenders = new Dictionary<string, string?>
    {
        ["Messaging:Sms:Endpoint"] = "http://127.0.0.1:9/unused",
        ["Messaging:Sms:AllowLoopbackHttp"] = "true",
        ["Messaging:Smtp:Host"] = "127.0.0.1",
        ["Messaging:Smtp:Port"] = "9",
        ["Messaging:Smtp:Security"] = "None",
        ["Messaging:Smtp:FromAddress"] = "no-reply@distance.test",
    };

    /// <summary>A name no other run or collection uses, so runs never see each other's rows or keys.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static async Task DropDatabaseAsync(string database)
    {
        await using var connection = new MySqlConnection(MariaDbConnection(""));
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task DeleteKeysAsync(string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection);
        var keys = await KeysAsync(redis.GetServer(redis.GetEndPoints()[0]), prefix + "*");
        if (keys.Length > 0)
            await redis.GetDatabase().KeyDeleteAsync(keys);
    }

    /// <summary>
    /// The keys matching <paramref name="pattern"/>, scanned without blocking a thread: the synchronous
    /// scan over a local Redis holding a benchmark's half a million keys timed out under the suite's load.
    /// </summary>
    public static async Task<RedisKey[]> KeysAsync(IServer server, string pattern)
    {
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
            keys.Add(key);
        return [.. keys];
    }
}
