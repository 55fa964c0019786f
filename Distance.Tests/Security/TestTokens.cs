using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Distance.Tests.Security;

/// <summary>Access tokens that must be refused: expired, signed with another key, for another audience or issuer, unsigned.</summary>
public static class TestTokens
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>(kind, token, expected code) for a member with the node's real key <paramref name="signingKey"/>.</summary>
    public static IReadOnlyList<(string Kind, string? Token, string Code)> Refused(string signingKey, long memberId, long loginId)
    {
        var now = DateTime.UtcNow;
        return
        [
            ("anonymous", null, "token_invalid"),
            ("expired", Sign(signingKey, memberId, loginId, now.AddHours(-2), now.AddMinutes(-5)), "token_expired"),
            ("forged (another key)", Sign(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), memberId, loginId, now, now.AddMinutes(30)), "token_invalid"),
            ("wrong audience", Sign(signingKey, memberId, loginId, now, now.AddMinutes(30), audience: "someone-else"), "token_invalid"),
            ("wrong issuer", Sign(signingKey, memberId, loginId, now, now.AddMinutes(30), issuer: "evil"), "token_invalid"),
            ("unsigned (alg none)", Unsigned(memberId, loginId, now), "token_invalid"),
            ("not a token", "not.a.token", "token_invalid"),
        ];
    }

    public static string Sign(string base64Key, long memberId, long loginId, DateTime notBefore, DateTime expires,
        string issuer = "distance", string audience = "distance-clients") =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Subject = Claims(memberId, loginId),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(base64Key)), SecurityAlgorithms.HmacSha256),
        });

    private static string Unsigned(long memberId, long loginId, DateTime now) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "distance",
            Audience = "distance-clients",
            NotBefore = now,
            Expires = now.AddMinutes(30),
            Subject = Claims(memberId, loginId),
        });

    private static ClaimsIdentity Claims(long memberId, long loginId) => new(
    [
        new Claim("sub", memberId.ToString(CultureInfo.InvariantCulture)),
        new Claim("sid", loginId.ToString(CultureInfo.InvariantCulture)),
    ]);
}
