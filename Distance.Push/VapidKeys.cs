using System.Buffers.Text;
using System.Security.Cryptography;

namespace Distance.Push;

/// <summary>VAPID key pairs: P-256, the public key as an uncompressed point and the private key as its scalar, both base64url.</summary>
public static class VapidKeys
{
    public static (string PublicKey, string PrivateKey) Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return (Base64Url.EncodeToString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]), Base64Url.EncodeToString(parameters.D!));
    }

    public static bool AreValid(string publicKey, string privateKey)
    {
        try
        {
            var point = Base64Url.DecodeFromChars(publicKey);
            var scalar = Base64Url.DecodeFromChars(privateKey);
            if (point.Length != 65 || point[0] != 0x04 || scalar.Length != 32)
                return false;
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33], Y = point[33..] },
                D = scalar,
            });
            return true;
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException)
        {
            return false;
        }
    }
}
