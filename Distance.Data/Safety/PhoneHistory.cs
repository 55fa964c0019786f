using Dapper;
using MySqlConnector;

namespace Distance.Data.Safety;

/// <summary>
/// Reports and blocks outlive the account they are about (contract v2: deleting an account keeps
/// the reports against its phone). On deletion they are kept under the phone's keyed hash
/// (<see cref="Auth.PhoneHasher"/>), never the number; signing up again with that phone brings
/// them back to the new member id. Both run inside the deletion's or sign-up's transaction.
/// </summary>
internal static class PhoneHistory
{
    // Reports filed by the member are kept too, so a reporter who leaves still counts, and one who
    // comes back cannot report the same member twice. Blocks the member placed end with them.
    private const string ForgetSql = """
        UPDATE reports SET reported_phone_hash = @hash WHERE reported_id = @memberId;
        UPDATE reports SET reporter_phone_hash = @hash WHERE reporter_id = @memberId;
        UPDATE blocks SET blocked_phone_hash = @hash WHERE blocked_id = @memberId;
        DELETE FROM blocks WHERE blocker_id = @memberId;
        """;

    private const string RestoreSql = """
        UPDATE reports SET reported_id = @memberId, reported_phone_hash = NULL WHERE reported_phone_hash = @hash;
        UPDATE reports SET reporter_id = @memberId, reporter_phone_hash = NULL WHERE reporter_phone_hash = @hash;
        UPDATE blocks SET blocked_id = @memberId, blocked_phone_hash = NULL WHERE blocked_phone_hash = @hash;
        """;

    public static Task ForgetAsync(MySqlConnection connection, MySqlTransaction transaction, long memberId, byte[] hash, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(ForgetSql, new { memberId, hash }, transaction, cancellationToken: cancellationToken));

    /// <summary>Brings back what the phone left behind; true when the returning member crossed the suspension threshold with it.</summary>
    public static async Task<bool> RestoreAsync(
        MySqlConnection connection, MySqlTransaction transaction, long memberId, byte[] hash, int suspensionThreshold, DateTime now,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(RestoreSql, new { memberId, hash }, transaction, cancellationToken: cancellationToken));
        return await Suspensions.SuspendIfReportedAsync(connection, transaction, memberId, suspensionThreshold, now, cancellationToken) is not null;
    }
}
