using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distance.Client.Development;

/// <summary>
/// Mints access tokens the way a node's AccessTokenIssuer does (HS256, sub = member id, sid = login
/// id), with a signing key the caller holds: the Development key of a local cluster, or a test
/// node's. Load tools and tests need tokens for thousands of seeded members; logging each in would
/// measure password hashing. Never for production: whoever holds the key can be anyone.
/// </summary>
public sealed class DevelopmentTokens(byte[] key, string issuer = DevelopmentTokens.Issuer, string audience = DevelopmentTokens.Audience)
{
    public const string Issuer = "distance";
    public const string Audience = "distance-clients";

    private static readonly string Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);

    /// <summary>From a base64 key, as the node's Jwt:SigningKey setting and .local/jwt-signing.key hold it.</summary>
    public static DevelopmentTokens FromBase64(string base64Key, string issuer = Issuer, string audience = Audience) =>
        new(Convert.FromBase64String(base64Key.Trim()), issuer, audience);

    /// <summary>A token valid from <paramref name="notBefore"/> to <paramref name="expires"/>.</summary>
    public string Issue(long memberId, long loginId, DateTimeOffset notBefore, DateTimeOffset expires)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = memberId.ToString(CultureInfo.InvariantCulture),
            ["sid"] = loginId.ToString(CultureInfo.InvariantCulture),
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = notBefore.ToUnixTimeSeconds(),
            ["nbf"] = notBefore.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        });
        var unsigned = Header + "." + Base64Url(payload);
        return unsigned + "." + Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)));
    }

    /// <summary>A token valid from now (a minute back, for clock skew) for <paramref name="lifetime"/>.</summary>
    public string Issue(long memberId, long loginId, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(memberId, loginId, now.AddMinutes(-1), now + lifetime);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
