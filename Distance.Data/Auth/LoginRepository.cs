using Dapper;
using MySqlConnector;

namespace Distance.Data.Auth;

public sealed class LoginRepository(MySqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO logins (member_id, push_token, created_at) VALUES (@memberId, @pushToken, UTC_TIMESTAMP(3));
        SELECT LAST_INSERT_ID();
        """;

    /// <summary>Starts a login (a refresh-token family) for a member and returns its id.</summary>
    public async Task<long> CreateAsync(long memberId, string? pushToken, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new { memberId, pushToken }, cancellationToken: cancellationToken));
    }
}
