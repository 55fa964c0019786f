using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distance.Drills;

/// <summary>
/// Mints access tokens the way the cluster's AccessTokenIssuer does (HS256, issuer "distance",
/// audience "distance-clients", sub = member id, sid = login id) with the drill cluster's key,
/// so thousands of members need no sign-up round trips.
/// </summary>
public sealed class AccessTokens(string base64Key)
{
    private readonly byte[] key = Convert.FromBase64String(base64Key);

    public string Issue(long memberId, long loginId, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = memberId.ToString(CultureInfo.InvariantCulture),
            ["sid"] = loginId.ToString(CultureInfo.InvariantCulture),
            ["iss"] = "distance",
            ["aud"] = "distance-clients",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        }));
        var signature = Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
