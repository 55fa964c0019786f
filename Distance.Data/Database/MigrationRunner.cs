using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Distance.Data.Database;

/// <summary>
/// Applies the numbered, append-only scripts embedded from Migrations/. Nodes that start together
/// serialise on a named database lock, so each script runs exactly once.
/// </summary>
public sealed partial class MigrationRunner(ILogger<MigrationRunner> logger)
{
    private const string ResourcePrefix = "Distance.Data.Migrations.";

    private const string CreateHistorySql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
          name       VARCHAR(200) NOT NULL PRIMARY KEY,
          applied_at DATETIME(3)  NOT NULL
        )
        """;

    public async Task MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var database = builder.Database;
        if (string.IsNullOrWhiteSpace(database))
            throw new InvalidOperationException("The database connection string must name a Database.");

        await CreateDatabaseIfMissingAsync(builder, cancellationToken);

        // User variables and multi-statement scripts need these on the migration connection only.
        builder.AllowUserVariables = true;
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // GET_LOCK names are server-wide: the database name keeps deployments (and test runs)
        // sharing one server from queueing behind each other's migrations.
        var lockName = "distance_migrations:" + database;
        var locked = await connection.ExecuteScalarAsync<int?>(
            new CommandDefinition("SELECT GET_LOCK(@lockName, 120)", new { lockName }, cancellationToken: cancellationToken));
        if (locked != 1)
            throw new TimeoutException("Another node held the migration lock for 120 s.");
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateHistorySql, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<string>(
                new CommandDefinition("SELECT name FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

            foreach (var (name, sql) in LoadScripts().Where(s => !applied.Contains(s.Name)))
            {
                // MariaDB commits DDL implicitly, so a script is recorded right after it ran.
                await connection.ExecuteAsync(new CommandDefinition(sql, commandTimeout: 600, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (@name, UTC_TIMESTAMP(3))",
                    new { name }, cancellationToken: cancellationToken));
                LogApplied(name, database);
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT RELEASE_LOCK(@lockName)", new { lockName }, cancellationToken: CancellationToken.None));
        }
    }

    public static IReadOnlyList<(string Name, string Sql)> LoadScripts()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..^4], Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task CreateDatabaseIfMissingAsync(MySqlConnectionStringBuilder builder, CancellationToken cancellationToken)
    {
        var serverOnly = new MySqlConnectionStringBuilder(builder.ConnectionString) { Database = "" };
        await using var connection = new MySqlConnection(serverOnly.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // The name cannot be a parameter; it comes from configuration, never from a request.
        var quoted = "`" + builder.Database.Replace("`", "``") + "`";
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE DATABASE IF NOT EXISTS {quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            cancellationToken: cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Name} to {Database}")]
    private partial void LogApplied(string name, string database);
}
