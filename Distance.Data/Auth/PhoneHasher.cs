using System.Security.Cryptography;
using System.Text;

namespace Distance.Data.Auth;

/// <summary>
/// The keyed hash (HMAC-SHA256) under which a phone number is remembered once its account is gone
/// or banned: reports, blocks and bans survive a deletion without the number being kept, and the
/// hash of a 10-billion-number space cannot be reversed without the key.
/// </summary>
public sealed class PhoneHasher(byte[] key)
{
    public const int HashBytes = 32;

    /// <summary>The hash of a phone in the digits-only form the contract returns (e.g. 01012345678).</summary>
    public byte[] Hash(string phoneDigits) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(phoneDigits));
}
