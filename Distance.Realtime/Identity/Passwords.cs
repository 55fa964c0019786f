using Microsoft.AspNetCore.Identity;

namespace Distance.Realtime.Identity;

/// <summary>
/// ASP.NET Core Identity's PasswordHasher (PBKDF2, salted, versioned format). Passwords never
/// leave this class or reach a log.
/// </summary>
public sealed class Passwords
{
    public const int MinimumLength = 8;
    public const int MaximumLength = 128; // bounds the hashing work a request can ask for

    private readonly PasswordHasher<Passwords> hasher = new();
    private readonly Lazy<string> decoy;

    public Passwords() => decoy = new(() => hasher.HashPassword(this, Guid.NewGuid().ToString()));

    public string Hash(string password) => hasher.HashPassword(this, password);

    /// <returns>Whether it matches, and whether the stored hash should be upgraded to current parameters.</returns>
    public (bool Matches, bool Rehash) Verify(string hash, string password)
    {
        try
        {
            var result = hasher.VerifyHashedPassword(this, hash, password);
            return (result != PasswordVerificationResult.Failed, result == PasswordVerificationResult.SuccessRehashNeeded);
        }
        catch (FormatException)
        {
            return (false, false); // a row whose hash is not one of ours (e.g. a test fixture's)
        }
    }

    /// <summary>Spends the time a real check would, so an unknown phone cannot be told apart by timing.</summary>
    public void VerifyDecoy(string password) => hasher.VerifyHashedPassword(this, decoy.Value, password);
}
