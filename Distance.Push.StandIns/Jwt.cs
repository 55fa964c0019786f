using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distance.Push.StandIns;

/// <summary>Just enough JWS for the stand-ins: split a compact JWT, verify RS256 or ES256, read its claims.</summary>
internal static class Jwt
{
    public static bool TryRead(string token, out JsonElement header, out JsonElement claims, out byte[] signedPart, out byte[] signature)
    {
        header = claims = default;
        signedPart = signature = [];
        var parts = token.Split('.');
        if (parts.Length != 3)
            return false;
        try
        {
            header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
            claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
            signature = Base64Url.DecodeFromChars(parts[2]);
            signedPart = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            return header.ValueKind == JsonValueKind.Object && claims.ValueKind == JsonValueKind.Object;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return false;
        }
    }

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    public static bool VerifyRs256(RSA key, byte[] signedPart, byte[] signature) =>
        key.VerifyData(signedPart, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>ES256 signatures are r || s (IEEE P1363), which is what .NET verifies by default.</summary>
    public static bool VerifyEs256(ECDsa key, byte[] signedPart, byte[] signature) =>
        signature.Length == 64 && key.VerifyData(signedPart, signature, HashAlgorithmName.SHA256);
}
