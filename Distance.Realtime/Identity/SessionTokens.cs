using System.Buffers.Text;
using System.Security.Cryptography;
using Distance.Data.Auth;
using Distance.Data.Database;
using Distance.Realtime.Identity;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Identity;

/// <summary>The contract's tokens object.</summary>
public sealed record TokenPair(string AccessToken, DateTime AccessTokenExpiresAt, string RefreshToken, DateTime RefreshTokenExpiresAt);

public sealed record Refreshed(RotationResult Result, TokenPair? Tokens);

/// <summary>
/// Issues access tokens (JWT, carrying the login id as <c>sid</c>) with 256-bit random refresh
/// tokens that are stored only as SHA-256 and rotate on every use.
/// </summary>
public sealed class SessionTokens(
    AccessTokenIssuer accessTokens, RefreshTokenRepository refreshTokens, OperatorRoles operators, IOptions<JwtOptions> jwt, TimeProvider clock)
{
    private const int RefreshTokenBytes = 32;

    public async Task<TokenPair> IssueAsync(long memberId, long loginId, CancellationToken cancellationToken)
    {
        var (token, hash, expiresAt) = NewRefreshToken();
        await refreshTokens.InsertAsync(hash, loginId, expiresAt, cancellationToken);
        return await PairAsync(memberId, loginId, token, expiresAt, cancellationToken);
    }

    /// <summary>Exchanges a refresh token for a new pair; any outcome but Rotated comes without tokens.</summary>
    public async Task<Refreshed> RotateAsync(byte[] presentedHash, CancellationToken cancellationToken)
    {
        var (token, hash, expiresAt) = NewRefreshToken();
        var result = await refreshTokens.RotateAsync(presentedHash, hash, expiresAt, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return result.Outcome == RotationOutcome.Rotated
            ? new Refreshed(result, await PairAsync(result.MemberId, result.LoginId, token, expiresAt, cancellationToken))
            : new Refreshed(result, null);
    }

    /// <summary>The stored form of a presented refresh token; false when it cannot be one of ours.</summary>
    public static bool TryHash(string presented, out byte[] hash)
    {
        hash = [];
        Span<byte> raw = stackalloc byte[RefreshTokenBytes + 3];
        // IsValid first: decoding throws on characters outside the alphabet.
        if (presented.Length > 64 || !Base64Url.IsValid(presented, out var length) || length != RefreshTokenBytes
            || !Base64Url.TryDecodeFromChars(presented, raw, out var written) || written != RefreshTokenBytes)
            return false;
        hash = SHA256.HashData(raw[..written]);
        return true;
    }

    private (string Token, byte[] Hash, DateTime ExpiresAt) NewRefreshToken()
    {
        var raw = RandomNumberGenerator.GetBytes(RefreshTokenBytes);
        var expiresAt = StoredTime.Trim(clock.GetUtcNow().UtcDateTime + jwt.Value.RefreshTokenLifetime);
        return (Base64Url.EncodeToString(raw), SHA256.HashData(raw), expiresAt);
    }

    private async Task<TokenPair> PairAsync(long memberId, long loginId, string refreshToken, DateTime refreshExpiresAt, CancellationToken cancellationToken)
    {
        var access = accessTokens.Issue(memberId, loginId, await operators.IsOperatorAsync(memberId, cancellationToken));
        return new TokenPair(access.Token, access.ExpiresAt.UtcDateTime, refreshToken, refreshExpiresAt);
    }
}
