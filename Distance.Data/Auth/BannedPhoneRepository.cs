using Dapper;
using MySqlConnector;

namespace Distance.Data.Auth;

/// <summary>
/// Phones that may neither get a code nor sign up again (contract v2, 403 phone_banned). Read by
/// identity (verification and sign-up); written by moderation when an operator bans a member, so
/// it sits here, below both, and neither depends on the other.
/// </summary>
public sealed class BannedPhoneRepository(MySqlDataSource dataSource, PhoneHasher hasher)
{
    private const string IsBannedSql = "SELECT EXISTS (SELECT 1 FROM banned_phones WHERE phone_hash = @hash)";

    public async Task<bool> IsBannedAsync(string phoneDigits, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            IsBannedSql, new { hash = hasher.Hash(phoneDigits) }, cancellationToken: cancellationToken));
    }

    // Written by moderation, inside the ban's transaction (Moderation/ModerationRepository).
    internal const string BanSql = """
        INSERT IGNORE INTO banned_phones (phone_hash, member_id, banned_at) VALUES (@hash, @memberId, @now)
        """;
}
