using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace Distance.Realtime.Observability;

internal sealed class MariaDbHealthCheck(MySqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy();
        }
        catch (MySqlException exception)
        {
            return HealthCheckResult.Unhealthy("MariaDB is unreachable.", exception);
        }
    }
}
