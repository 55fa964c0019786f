using System.Security.Claims;
using Distance.Realtime.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Distance.Realtime.Identity;

public sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Signs short-lived access tokens carrying the member id, the login (refresh-token family) id and, for operators, the role.</summary>
public sealed class AccessTokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new();

    public AccessToken Issue(long memberId, long loginId, bool isOperator = false)
    {
        List<Claim> claims =
        [
            new(MemberClaims.MemberIdClaim, memberId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(MemberClaims.LoginIdClaim, loginId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (isOperator)
            claims.Add(new Claim(MemberClaims.RoleClaim, MemberClaims.OperatorRole));
        var jwt = options.Value;
        var now = clock.GetUtcNow();
        var expires = now + jwt.AccessTokenLifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(jwt.SigningKeyBytes()), SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, expires);
    }
}
