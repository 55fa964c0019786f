using Dapper;
using Distance.Data.Database;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Distance.Tests.Foundation;

public sealed class MigrationTests : IAsyncLifetime
{
    private readonly string database = TestServices.UniqueName("distance_m");

    [Fact]
    public async Task NodesMigratingTogetherApplyEachScriptOnceAndSeedEverySchool()
    {
        var connectionString = TestServices.MariaDbConnection(database);
        var runner = new MigrationRunner(NullLogger<MigrationRunner>.Instance);

        // Four "nodes" starting at once must serialise on the lock, not fail on each other's tables.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => runner.MigrateAsync(connectionString, CancellationToken.None))).Within(TimeSpan.FromSeconds(60));

        await using var connection = new MySqlConnection(connectionString);
        var applied = await connection.QueryAsync<string>("SELECT name FROM schema_migrations ORDER BY name");
        Assert.Equal(MigrationRunner.LoadScripts().Select(s => s.Name), applied);

        var csvRows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "universities.csv")).Skip(1).Count(l => l.Length > 0);
        Assert.Equal(csvRows, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schools"));
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT womens_university FROM schools WHERE code = 'SWU'"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM school_domains WHERE domain = 'hanyang.ac.kr'"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestServices.DropDatabaseAsync(database);
}
