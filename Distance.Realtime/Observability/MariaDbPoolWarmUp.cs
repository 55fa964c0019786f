using Dapper;
using MySqlConnector;

namespace Distance.Realtime.Observability;

/// <summary>
/// Opens MariaDB connections before readiness, so the first seconds of a surge take pooled ones
/// instead of paying a TCP connect and a login each (a pooled connection stays for the pool's idle timeout).
/// </summary>
internal sealed class MariaDbPoolWarmUp(MySqlDataSource dataSource) : IWarmUpStep
{
    // The writers' connections, the room cache's misses and the HTTP requests of a surge's first second.
    private const int Connections = 16;

    private bool opened;

    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (opened)
            return;
        // All at once: opened one after another, the pool would hand the same connection back each time.
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => PingAsync(cancellationToken)));
        opened = true;
    }

    public Task CleanUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }
}
