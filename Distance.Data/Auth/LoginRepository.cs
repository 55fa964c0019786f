using System.Data;
using Dapper;
using Distance.Data.Push;
using MySqlConnector;

namespace Distance.Data.Auth;

public sealed class LoginRepository(MySqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO logins (member_id, created_at) VALUES (@memberId, UTC_TIMESTAMP(3));
        SELECT LAST_INSERT_ID();
        """;

    /// <summary>Starts a login (a refresh-token family) for a member and returns its id.</summary>
    public async Task<long> CreateAsync(long memberId, string? pushToken, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var loginId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new { memberId }, cancellationToken: cancellationToken));
        await RegisterFcmAsync(connection, loginId, memberId, pushToken, cancellationToken);
        return loginId;
    }

    // v1's pushToken at login is an FCM registration of the new login; the device leaves any other login.
    private static async Task RegisterFcmAsync(MySqlConnection connection, long loginId, long memberId, string? pushToken, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(pushToken))
            await PushRegistrationRepository.RegisterAsync(connection, loginId, memberId, PushDevice.Fcm(pushToken), cancellationToken);
    }

    // INSERT … SELECT reads the member row with a shared lock: a deactivation or deletion that
    // commits first makes it insert nothing, one that commits later sees this login and revokes it.
    private const string StartSql = """
        INSERT INTO logins (member_id, created_at)
        SELECT id, UTC_TIMESTAMP(3) FROM members WHERE id = @memberId AND deactivated_at IS NULL;
        SELECT IF(ROW_COUNT() > 0, LAST_INSERT_ID(), NULL);
        """;

    private const string TouchSql = "UPDATE members SET last_active_at = UTC_TIMESTAMP(3) WHERE id = @memberId";

    /// <summary>
    /// Starts a login for an active member and marks the member active (matching uses it);
    /// null when the member is deactivated or gone.
    /// </summary>
    public async Task<long?> StartAsync(long memberId, string? pushToken, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var loginId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(StartSql, new { memberId }, cancellationToken: cancellationToken));
        if (loginId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { memberId }, cancellationToken: cancellationToken));
            await RegisterFcmAsync(connection, loginId.Value, memberId, pushToken, cancellationToken);
        }
        return loginId;
    }

    private const string EndSql = """
        UPDATE logins SET revoked_at = COALESCE(revoked_at, UTC_TIMESTAMP(3)), push_token = NULL WHERE id = @loginId;
        DELETE FROM push_registrations WHERE login_id = @loginId;
        """;

    /// <summary>Logout: the login is revoked and its device's push registration removed.</summary>
    public async Task EndAsync(long loginId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EndSql, new { loginId }, cancellationToken: cancellationToken));
    }

    private const string OpenLoginsSql = "SELECT id FROM logins WHERE member_id = @memberId AND revoked_at IS NULL FOR UPDATE";
    private const string RevokeSql = "UPDATE logins SET revoked_at = UTC_TIMESTAMP(3) WHERE id IN @ids";

    /// <summary>Revokes every open login of a member and returns their ids (for the access-token revocation list).</summary>
    public async Task<IReadOnlyList<long>> RevokeAllAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(OpenLoginsSql, new { memberId }, transaction, cancellationToken: cancellationToken))).AsList();
        if (ids.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { ids }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    private const string IdsSql = "SELECT id FROM logins WHERE member_id = @memberId";

    /// <summary>All login ids of a member, revoked or not.</summary>
    public async Task<IReadOnlyList<long>> IdsOfAsync(long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(IdsSql, new { memberId }, cancellationToken: cancellationToken))).AsList();
    }
}
