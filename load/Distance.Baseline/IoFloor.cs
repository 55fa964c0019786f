using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Baseline;

/// <summary>
/// The I/O floor of a request (docs/benchmarks.md "The I/O floor of a request"): the bare host doing
/// only the round trips a Distance request cannot avoid — one Redis command (as the cluster-wide limit
/// or the revocation check) and one MariaDB primary-key read (as /api/me) — with nothing of Distance
/// around them: no authentication, no limiter, no Dapper, no JSON beyond a string. What these cost
/// per request on this machine no design that keeps those round trips can go below.
/// </summary>
public static class IoFloor
{
    // The columns /api/me reads (MemberAccountRepository.FindSql), so MariaDB's share is comparable.
    private const string MemberSql = """
        SELECT m.id, m.phone, m.gender, m.school_code, s.name, m.college, m.department,
               m.mbti, m.`character`, m.tags, m.hobbies, m.student_verified, m.room_capacity, m.created_at
        FROM members m JOIN schools s ON s.code = m.school_code
        WHERE m.id = @id
        """;

    /// <summary>
    /// Maps /floor/redis, /floor/mariadb and /floor/both when a MariaDB connection string is configured,
    /// and /floor/mix (<see cref="MixFloor"/>) when <paramref name="mixMembers"/> says the database holds
    /// the festival's seed (with <paramref name="mixReadModel"/>, also from its Redis read model).
    /// <paramref name="keyPrefix"/> starts every Redis key they touch, so a benchmark
    /// deletes them with its own.
    /// </summary>
    public static async Task MapIoFloorAsync(this WebApplication app, string redis, string? mariaDb, int? mixMembers, bool mixReadModel,
        string keyPrefix)
    {
        if (string.IsNullOrWhiteSpace(mariaDb))
            return;
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis);
        var database = multiplexer.GetDatabase();
        var builder = new MySqlDataSourceBuilder(mariaDb);
        builder.ConnectionStringBuilder.ConnectionReset = false; // as the node's data source
        var dataSource = builder.Build();
        app.Lifetime.ApplicationStopping.Register(() => { multiplexer.Dispose(); dataSource.Dispose(); });

        RedisKey key = keyPrefix + "revoked:1";
        app.MapGet("/floor/redis", async () => await database.KeyExistsAsync(key) ? "revoked" : "ok");
        app.MapGet("/floor/mariadb", async (CancellationToken ct) => await ReadMemberAsync(dataSource, ct));
        app.MapGet("/floor/both", async (CancellationToken ct) =>
            await database.KeyExistsAsync(key) ? "revoked" : await ReadMemberAsync(dataSource, ct));
        if (mixMembers is { } members)
            await MixFloor.MapAsync(app, database, dataSource, members, mixReadModel, keyPrefix, app.Lifetime.ApplicationStopping);
    }

    private static async Task<string> ReadMemberAsync(MySqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand(MemberSql, connection);
        command.Parameters.AddWithValue("@id", 1L);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetString(1) : "missing";
    }
}
