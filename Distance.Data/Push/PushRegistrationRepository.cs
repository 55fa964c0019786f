using Dapper;
using MySqlConnector;

namespace Distance.Data.Push;

/// <summary>
/// Push registrations, one per login: registering again replaces the login's device, logout
/// removes it, and a device the provider reports gone is removed by the push worker.
/// </summary>
public sealed class PushRegistrationRepository(MySqlDataSource dataSource)
{
    // Only an open login of this member can register: a revoked login's access token may still be
    // valid for a few minutes, and must not bring a device back.
    private const string UpsertSql = """
        INSERT INTO push_registrations (login_id, member_id, kind, token, endpoint, p256dh, auth, device_hash, updated_at)
        SELECT id, member_id, @Kind, @Token, @Endpoint, @P256dh, @Auth, @DeviceHash, UTC_TIMESTAMP(3)
        FROM logins WHERE id = @loginId AND member_id = @memberId AND revoked_at IS NULL
        ON DUPLICATE KEY UPDATE kind = VALUES(kind), token = VALUES(token), endpoint = VALUES(endpoint),
            p256dh = VALUES(p256dh), auth = VALUES(auth), device_hash = VALUES(device_hash), updated_at = VALUES(updated_at)
        """;

    /// <summary>Sets the login's device; false when the login is no longer open.</summary>
    public async Task<bool> RegisterAsync(long loginId, long memberId, PushDevice device, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            loginId, memberId, device.Kind, device.Token, device.Endpoint, device.P256dh, device.Auth, device.DeviceHash,
        }, cancellationToken: cancellationToken));
        return rows > 0;
    }

    private const string RemoveSql = "DELETE FROM push_registrations WHERE login_id = @loginId";

    public async Task RemoveAsync(long loginId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RemoveSql, new { loginId }, cancellationToken: cancellationToken));
    }

    // Only if the login still points at the device that was reported gone: it may have registered
    // a fresh token since the record was written.
    private const string RemoveGoneSql = "DELETE FROM push_registrations WHERE login_id = @loginId AND device_hash = @deviceHash";

    /// <summary>The provider said the device is gone; true when the registration was still there.</summary>
    public async Task<bool> RemoveGoneAsync(long loginId, PushDevice device, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            RemoveGoneSql, new { loginId, deviceHash = device.DeviceHash }, cancellationToken: cancellationToken));
        return rows > 0;
    }

    private const string OfMembersSql = """
        SELECT r.login_id AS LoginId, r.member_id AS MemberId, r.kind AS Kind, r.token AS Token,
               r.endpoint AS Endpoint, r.p256dh AS P256dh, r.auth AS Auth
        FROM push_registrations r JOIN logins l ON l.id = r.login_id
        WHERE r.member_id IN @memberIds AND l.revoked_at IS NULL
        """;

    /// <summary>The registrations of the members' open logins.</summary>
    public async Task<IReadOnlyList<PushRegistration>> OfMembersAsync(IReadOnlyCollection<long> memberIds, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
            return [];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RegistrationRow>(new CommandDefinition(OfMembersSql, new { memberIds }, cancellationToken: cancellationToken));
        return rows.Select(r => new PushRegistration(r.LoginId, r.MemberId, new PushDevice(r.Kind, r.Token, r.Endpoint, r.P256dh, r.Auth))).ToList();
    }

    private sealed class RegistrationRow
    {
        public long LoginId { get; init; }
        public long MemberId { get; init; }
        public string Kind { get; init; } = "";
        public string? Token { get; init; }
        public string? Endpoint { get; init; }
        public string? P256dh { get; init; }
        public string? Auth { get; init; }
    }
}
