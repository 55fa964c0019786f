using Dapper;
using MySqlConnector;

namespace Distance.Realtime.Observability;

/// <summary>
/// Opens MariaDB connections before readiness, so the first seconds of a surge take pooled ones
/// instead of paying a TCP connect and a login each (a pooled connection stays for the pool's idle timeout).
/// </summary>
internal sealed class MariaDbPoolWarmUp(MySqlDataSource dataSource) : IWarmUpStep
{
    // The writers' connections, the room cache's misses and the HTTP requests of a surge's first
    // second. More is not better on a small machine: 64 held open made the cold surge worse
    // (docs/benchmarks.md, "The MariaDB pool in the warm-up").
    internal const int Connections = 16;

    private bool opened;

    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (opened)
            return;
        // Every connection held open until all are: released one by one, a connection that went
        // back to the pool is handed out again, and the pool stays as small as it was (a node
        // once kept 1 of its 16 that way).
        var connections = Enumerable.Range(0, Connections).Select(_ => dataSource.CreateConnection()).ToList();
        try
        {
            await Task.WhenAll(connections.Select(c => PingAsync(c, cancellationToken)));
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
        opened = true;
    }

    public Task CleanUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task PingAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }
}
