using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Identity;

/// <summary>
/// PBKDF2 (100k iterations) is the most expensive thing an anonymous request can ask for. This
/// bounds it per node: <see cref="AccountsOptions.PasswordHashConcurrency"/> at once, a short
/// queue behind them, and beyond that the caller is told the node is busy (503 with Retry-After,
/// not 429: the limit is the node's, not this client's). Callers check every cheap thing first
/// (fields, the verification token, the login throttle) so a forged request never gets here.
/// </summary>
public sealed class PasswordWork : IDisposable
{
    private readonly Passwords passwords;
    private readonly ConcurrencyLimiter limiter;

    public PasswordWork(Passwords passwords, IOptions<AccountsOptions> options)
    {
        this.passwords = passwords;
        limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.PasswordHashConcurrency,
            QueueLimit = options.Value.PasswordHashQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The hash, or null when the node is saturated.</summary>
    public async Task<string?> HashAsync(string password, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        return lease.IsAcquired ? passwords.Hash(password) : null;
    }

    /// <summary>Whether the password matches (and the hash wants an upgrade), or null when the node is saturated.</summary>
    public async Task<(bool Matches, bool Rehash)?> VerifyAsync(string hash, string password, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        return lease.IsAcquired ? passwords.Verify(hash, password) : null;
    }

    /// <summary>The decoy check for an unknown phone, under the same bound; false when saturated.</summary>
    public async Task<bool> VerifyDecoyAsync(string password, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (lease.IsAcquired)
            passwords.VerifyDecoy(password);
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
