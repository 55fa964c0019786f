using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distance.Load.Common;

/// <summary>
/// Access tokens for seeded members, signed with the local cluster's Development key: the same
/// claims AccessTokenIssuer writes (sub = member id, sid = a login id). A benchmark needs tokens
/// for thousands of members; logging each in through the API would measure password hashing.
/// </summary>
public sealed class DevTokens(byte[] key, string issuer = "distance", string audience = "distance-clients")
{
    private static readonly string Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
    private readonly ConcurrentDictionary<long, string> tokens = new();

    public static DevTokens FromFile(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"no signing key at {path}: start the local cluster in Development first");
        return new DevTokens(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    public string For(long memberId) => tokens.GetOrAdd(memberId, Mint);

    private string Mint(long memberId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = memberId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["sid"] = "1",
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + 6 * 3600,
        });
        var unsigned = Header + "." + Base64Url(payload);
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url(signature);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
