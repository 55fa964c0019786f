using Distance.Contracts;

namespace Distance.Client;

/// <summary>
/// A member's login as an app keeps it: the current token pair, refreshed shortly before the
/// access token expires (and once more when the server answers 401 anyway, e.g. after a clock
/// skew). Give <see cref="AccessTokenAsync"/> to <see cref="ChatClientOptions.AccessTokenProvider"/>
/// and set <see cref="DistanceApiClient.Session"/>: the hub, which ends a connection when its token
/// expires, then reconnects with a fresh one and syncs, and REST calls carry on, without the app
/// doing anything. Refreshes are serialised: a refresh token is single-use, and two concurrent
/// refreshes with the same one would look like theft to the server and end the login.
/// </summary>
public sealed class DistanceSession(DistanceApiClient api, TokenPair tokens, TimeProvider? clock = null)
{
    private readonly DistanceApiClient refresher = api.As(null);
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile TokenPair tokens = tokens;

    /// <summary>How long before its expiry an access token is replaced; zero uses it to the last moment.</summary>
    public TimeSpan RefreshBefore { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The pair in use: store its refresh token where the app keeps secrets.</summary>
    public TokenPair Tokens => tokens;

    /// <summary>After every refresh, with the new pair (the old refresh token no longer works).</summary>
    public event Action<TokenPair>? Refreshed;

    /// <summary>A valid access token, refreshed first when the current one expires within <see cref="RefreshBefore"/>.</summary>
    /// <exception cref="DistanceApiException">The refresh was refused (token_expired, refresh_reused, …): sign in again.</exception>
    public async Task<string?> AccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var current = tokens;
        if (!ExpiresSoon(current))
            return current.AccessToken;
        return (await RefreshIfStillAsync(current.AccessToken, ExpiresSoon, cancellationToken)).AccessToken;
    }

    /// <summary>The server refused <paramref name="rejectedAccessToken"/>: refresh, unless another caller already did.</summary>
    public Task<TokenPair> RefreshAsync(string rejectedAccessToken, CancellationToken cancellationToken = default) =>
        RefreshIfStillAsync(rejectedAccessToken, _ => true, cancellationToken);

    private bool ExpiresSoon(TokenPair pair) => pair.AccessTokenExpiresAt - RefreshBefore <= clock.GetUtcNow().UtcDateTime;

    private async Task<TokenPair> RefreshIfStillAsync(string accessToken, Func<TokenPair, bool> needed, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var current = tokens;
            if (current.AccessToken != accessToken || !needed(current))
                return current; // someone refreshed while this caller waited
            var fresh = await refresher.RefreshAsync(current.RefreshToken, cancellationToken);
            tokens = fresh;
            Refreshed?.Invoke(fresh);
            return fresh;
        }
        finally
        {
            gate.Release();
        }
    }
}
