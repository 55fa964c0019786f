using System.Data;
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

    // A device belongs to whoever registered it last: a phone handed to another account (or a
    // login that outlived its session) must not keep receiving the previous account's messages.
    private const string ClaimDeviceSql = "DELETE FROM push_registrations WHERE device_hash = @DeviceHash AND login_id <> @loginId";

    /// <summary>Sets the login's device; false when the login is no longer open.</summary>
    public async Task<bool> RegisterAsync(long loginId, long memberId, PushDevice device, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await RegisterAsync(connection, loginId, memberId, device, cancellationToken);
    }

    /// <summary>
    /// Sets the login's device and removes that device from every other login, of any member, in
    /// one transaction; false (and nothing changed) when the login is no longer open.
    /// </summary>
    internal static async Task<bool> RegisterAsync(
        MySqlConnection connection, long loginId, long memberId, PushDevice device, CancellationToken cancellationToken)
    {
        // Read committed: the delete by device hash needs no gap locks, and a concurrent claim of the same device simply wins last.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            loginId, memberId, device.Kind, device.Token, device.Endpoint, device.P256dh, device.Auth, device.DeviceHash,
        }, transaction, cancellationToken: cancellationToken));
        if (rows == 0)
            return false;
        await connection.ExecuteAsync(new CommandDefinition(
            ClaimDeviceSql, new { device.DeviceHash, loginId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
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
          AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.login_id = l.id AND t.expires_at > @now)
        """;

    /// <summary>
    /// The registrations of the members' live logins: not revoked, and holding a refresh token that
    /// has not expired at <paramref name="now"/>. A login nobody can refresh any more is a session
    /// that ended (a lost or passed-on phone), so its device gets nothing.
    /// </summary>
    public async Task<IReadOnlyList<PushRegistration>> OfMembersAsync(
        IReadOnlyCollection<long> memberIds, DateTime now, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
            return [];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RegistrationRow>(new CommandDefinition(OfMembersSql, new { memberIds, now }, cancellationToken: cancellationToken));
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
