using System.Data;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Auth;

public enum RotationOutcome { Rotated, Unknown, Expired, LoginRevoked, Reused }

public sealed record RotationResult(RotationOutcome Outcome, long LoginId = 0, long MemberId = 0);

/// <summary>
/// Refresh tokens, stored only as SHA-256 hashes and grouped by login. A token is used once:
/// rotation marks it and stores its successor in the same transaction.
/// </summary>
public sealed class RefreshTokenRepository(MySqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO refresh_tokens (token_hash, login_id, expires_at) VALUES (@tokenHash, @loginId, @expiresAt)
        """;

    public async Task InsertAsync(byte[] tokenHash, long loginId, DateTime expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { tokenHash, loginId, expiresAt }, cancellationToken: cancellationToken));
    }

    // FOR UPDATE serialises two presentations of one token: the second sees rotated_at and is reuse.
    private const string LockSql = """
        SELECT rt.login_id AS LoginId, l.member_id AS MemberId, rt.expires_at AS ExpiresAt,
               rt.rotated_at AS RotatedAt, l.revoked_at AS RevokedAt
        FROM refresh_tokens rt JOIN logins l ON l.id = rt.login_id
        WHERE rt.token_hash = @tokenHash
        FOR UPDATE
        """;

    private const string MarkRotatedSql = "UPDATE refresh_tokens SET rotated_at = @now WHERE token_hash = @tokenHash";
    private const string RevokeLoginSql = "UPDATE logins SET revoked_at = @now WHERE id = @loginId";

    /// <summary>
    /// Exchanges a refresh token for its successor. A token that was already rotated revokes its
    /// whole login (someone else holds a copy); the caller must then revoke the access tokens too.
    /// </summary>
    public async Task<RotationResult> RotateAsync(
        byte[] tokenHash, byte[] successorHash, DateTime successorExpiresAt, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(LockSql, new { tokenHash }, transaction, cancellationToken: cancellationToken));
        if (token is null)
            return new RotationResult(RotationOutcome.Unknown);
        if (token.RevokedAt is not null)
            return new RotationResult(RotationOutcome.LoginRevoked, token.LoginId, token.MemberId);
        if (token.RotatedAt is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(RevokeLoginSql, new { now, token.LoginId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return new RotationResult(RotationOutcome.Reused, token.LoginId, token.MemberId);
        }
        if (token.ExpiresAt <= now)
            return new RotationResult(RotationOutcome.Expired, token.LoginId, token.MemberId);

        await connection.ExecuteAsync(new CommandDefinition(MarkRotatedSql, new { now, tokenHash }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            InsertSql, new { tokenHash = successorHash, token.LoginId, expiresAt = successorExpiresAt }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new RotationResult(RotationOutcome.Rotated, token.LoginId, token.MemberId);
    }

    private const string LoginOfSql = "SELECT login_id FROM refresh_tokens WHERE token_hash = @tokenHash";

    /// <summary>The login a refresh token (current or already rotated) belongs to.</summary>
    public async Task<long?> LoginOfAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(LoginOfSql, new { tokenHash }, cancellationToken: cancellationToken));
    }

    private sealed class TokenRow
    {
        public long LoginId { get; init; }
        public long MemberId { get; init; }
        public DateTime ExpiresAt { get; init; }
        public DateTime? RotatedAt { get; init; }
        public DateTime? RevokedAt { get; init; }
    }
}
