using Distance.Data.Database;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Hosting;

internal static class DatabaseStartup
{
    /// <summary>Applies pending migrations before the node takes traffic (nodes serialise on a database lock).</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStart)
            return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await app.Services.GetRequiredService<MigrationRunner>().MigrateAsync(options.ConnectionString, timeout.Token);
    }
}
