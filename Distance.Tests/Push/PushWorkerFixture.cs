using Dapper;
using Distance.Data.Database;
using Distance.Data.Push;
using Distance.Push;
using Distance.Push.StandIns;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Tests.Push;

/// <summary>
/// Real Redis and MariaDB (a database and key prefix of its own), the FCM and Web Push stand-ins,
/// and the settings that point push workers at all of them.
/// </summary>
public sealed class PushWorkerFixture : IAsyncLifetime
{
    private ConnectionMultiplexer? redis;

    public string Database { get; } = TestServices.UniqueName("distance_p");
    public string KeyPrefix => Database + ":";
    public PushStandIns StandIns { get; private set; } = null!;
    public (string PublicKey, string PrivateKey) Vapid { get; } = VapidKeys.Generate();
    public IDatabase Redis => redis!.GetDatabase();

    /// <summary>Worker settings; <paramref name="overrides"/> win.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = WorkerSettings(TestServices.MariaDbConnection(Database), TestServices.RedisConnection, KeyPrefix, StandIns, Vapid);
        settings["Push:WebPush:Subject"] = "mailto:ops@distance.test";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    /// <summary>
    /// What every test's push worker needs: the database and Redis prefix to work on, both providers
    /// pointed at <paramref name="standIns"/>, the VAPID pair, and short delays so tests run fast.
    /// </summary>
    public static Dictionary<string, string?> WorkerSettings(
        string database, string redisConnection, string keyPrefix, PushStandIns standIns, (string PublicKey, string PrivateKey) vapid) => new()
    {
        ["Database:ConnectionString"] = database,
        ["Redis:ConnectionString"] = redisConnection,
        ["Redis:KeyPrefix"] = keyPrefix,
        ["Push:Fcm:ServiceAccountJson"] = standIns.Fcm.ServiceAccountJson(),
        ["Push:Fcm:Endpoint"] = standIns.BaseAddress.ToString(),
        ["Push:WebPush:PublicKey"] = vapid.PublicKey,
        ["Push:WebPush:PrivateKey"] = vapid.PrivateKey,
        ["Push:Worker:IdleDelay"] = "00:00:00.050",
        ["Push:Worker:RetryBaseDelay"] = "00:00:00.050",
        ["Push:Worker:ClaimInterval"] = "00:00:00.500",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Puts records on the stream as the relay does.</summary>
    public async Task<RedisValue[]> AddAsync(params PushRecord[] records)
    {
        var ids = new List<RedisValue>();
        foreach (var record in records)
            ids.Add(await Redis.StreamAddAsync(KeyPrefix + PushRecord.StreamKey,
                record.ToFields().Select(f => new NameValueEntry(f.Key, f.Value)).ToArray()));
        return ids.ToArray();
    }

    public async Task<IReadOnlyList<Dictionary<string, string>>> DeadLettersAsync() =>
        (await Redis.StreamRangeAsync(KeyPrefix + PushRecord.DeadStreamKey))
        .Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString())).ToList();

    /// <summary>
    /// What a failing test should say: the dead letters, the stand-ins' refusals, the stream's length,
    /// and which consumers hold entries read and not settled (a record no worker sends is either unread or held).
    /// </summary>
    public async Task<string> DiagnosticsAsync()
    {
        var pending = await Redis.StreamPendingAsync(KeyPrefix + PushRecord.StreamKey, "push-workers");
        return $"dead: {string.Join(" | ", (await DeadLettersAsync()).Select(d => $"{d.GetValueOrDefault("reason")} {d.GetValueOrDefault("status")} {d.GetValueOrDefault("answer")}"))}; " +
            $"rejected: {string.Join(" | ", StandIns.Rejections)}; stream: {await StreamLengthAsync()}; " +
            $"pending: {pending.PendingMessageCount} ({string.Join(", ", pending.Consumers.Select(c => $"{c.Name}: {c.PendingMessageCount}"))})";
    }

    public async Task<long> StreamLengthAsync() => await Redis.StreamLengthAsync(KeyPrefix + PushRecord.StreamKey);

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(TestServices.MariaDbConnection(Database));
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(TestServices.MariaDbConnection(Database));
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>A login of a fresh member id with <paramref name="device"/> registered, as the API would leave it.</summary>
    public async Task<(long MemberId, long LoginId)> RegisteredAsync(PushDevice device)
    {
        var memberId = Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);
        await using var connection = new MySqlConnection(TestServices.MariaDbConnection(Database));
        var loginId = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO logins (member_id, created_at) VALUES (@memberId, UTC_TIMESTAMP(3)); SELECT LAST_INSERT_ID();", new { memberId });
        await connection.ExecuteAsync("""
            INSERT INTO push_registrations (login_id, member_id, kind, token, endpoint, p256dh, auth, device_hash, updated_at)
            VALUES (@loginId, @memberId, @Kind, @Token, @Endpoint, @P256dh, @Auth, @DeviceHash, UTC_TIMESTAMP(3))
            """, new { loginId, memberId, device.Kind, device.Token, device.Endpoint, device.P256dh, device.Auth, device.DeviceHash });
        return (memberId, loginId);
    }

    public static PushRecord Record(PushDevice device, long memberId = 1, long loginId = 1, string tag = "room-1", int count = 1, string body = "hello") =>
        new(memberId, loginId, device, "message", "컴퓨터공학과INTJ#7", body, 1, count, tag, DateTime.UtcNow);

    public async Task InitializeAsync()
    {
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance).MigrateAsync(TestServices.MariaDbConnection(Database), CancellationToken.None);
        redis = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConnection);
        StandIns = await PushStandIns.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await StandIns.DisposeAsync();
        redis?.Dispose();
        await TestServices.DropDatabaseAsync(Database);
        await TestServices.DeleteKeysAsync(KeyPrefix);
    }
}

[CollectionDefinition(nameof(PushWorkerCollection))]
public sealed class PushWorkerCollection : ICollectionFixture<PushWorkerFixture>;
