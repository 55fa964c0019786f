using Dapper;
using Distance.Data.Database;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Distance.Load.Common;

/// <summary>
/// The database a seed starts from: dropped and created anew from the migrations, so nothing of an
/// earlier seed or run remains. Only a database whose name says it is for load (`load` or `bench`)
/// is ever dropped, unless forced, so a seed never touches the development or test databases.
/// </summary>
public static class ScratchDatabase
{
    public static bool IsScratch(string database) =>
        database.Contains("load", StringComparison.OrdinalIgnoreCase) || database.Contains("bench", StringComparison.OrdinalIgnoreCase);

    public static async Task RecreateAsync(string connectionString, bool force)
    {
        var database = new MySqlConnectionStringBuilder(connectionString).Database;
        if (!IsScratch(database) && !force)
            throw new ArgumentException($"refusing to drop and recreate '{database}': use a *load* or *bench* database or --force");
        await using (var server = new MySqlConnection(new MySqlConnectionStringBuilder(connectionString) { Database = "" }.ConnectionString))
            await server.ExecuteAsync($"DROP DATABASE IF EXISTS `{database.Replace("`", "``")}`", commandTimeout: 600);
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance).MigrateAsync(connectionString, CancellationToken.None);
    }
}
