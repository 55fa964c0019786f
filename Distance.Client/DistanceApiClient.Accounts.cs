using Distance.Contracts;

namespace Distance.Client;

public sealed partial class DistanceApiClient
{
    /// <summary>POST /api/verifications/sms → 202; <paramref name="purpose"/> is "signup" or "password-reset".</summary>
    public Task<CodeSent> RequestSmsCodeAsync(string phone, string purpose, CancellationToken cancellationToken = default) =>
        ReadAsync<SmsCodeRequest, CodeSent>(HttpMethod.Post, "/api/verifications/sms", new(phone, purpose), cancellationToken);

    /// <summary>POST /api/verifications/sms/confirm → a single-use verification token.</summary>
    public Task<VerificationTokenIssued> ConfirmSmsCodeAsync(string phone, string code, CancellationToken cancellationToken = default) =>
        ReadAsync<SmsConfirmRequest, VerificationTokenIssued>(HttpMethod.Post, "/api/verifications/sms/confirm", new(phone, code), cancellationToken);

    /// <summary>POST /api/members → 201; the new member's tokens are kept for the requests that follow.</summary>
    public async Task<SignedUp> SignUpAsync(SignUpRequest request, CancellationToken cancellationToken = default)
    {
        var signedUp = await ReadAsync<SignUpRequest, SignedUp>(HttpMethod.Post, "/api/members", request, cancellationToken);
        Use(signedUp.Tokens);
        return signedUp;
    }

    /// <summary>POST /api/auth/login; the tokens are kept for the requests that follow.</summary>
    public async Task<TokenPair> LoginAsync(string phone, string password, string? pushToken = null, CancellationToken cancellationToken = default) =>
        Use(await ReadAsync<LoginRequest, TokenPair>(HttpMethod.Post, "/api/auth/login", new(phone, password, pushToken), cancellationToken));

    /// <summary>POST /api/auth/refresh: new tokens (kept), the old refresh token stops working.</summary>
    public async Task<TokenPair> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        Use(await ReadAsync<RefreshTokenRequest, TokenPair>(HttpMethod.Post, "/api/auth/refresh", new(refreshToken), cancellationToken));

    /// <summary>POST /api/auth/logout → 204: that login's tokens are revoked, its hub connections end.</summary>
    public Task LogoutAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, "/api/auth/logout", new RefreshTokenRequest(refreshToken), cancellationToken);

    /// <summary>POST /api/auth/password-reset → 204, with a verification token of purpose "password-reset".</summary>
    public Task ResetPasswordAsync(string verificationToken, string newPassword, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, "/api/auth/password-reset", new PasswordResetRequest(verificationToken, newPassword), cancellationToken);

    /// <summary>POST /api/verifications/school-email → 202: a code goes to the address.</summary>
    public Task RequestSchoolEmailCodeAsync(string email, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, "/api/verifications/school-email", new SchoolEmailRequest(email), cancellationToken);

    /// <summary>POST /api/verifications/school-email/confirm → 204: the member becomes studentVerified.</summary>
    public Task ConfirmSchoolEmailAsync(string code, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, "/api/verifications/school-email/confirm", new SchoolEmailConfirmRequest(code), cancellationToken);

    /// <summary>GET /dev/outbox (Development only): the SMS and e-mails "sent" to an address, newest first.</summary>
    public Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string to, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<OutboxEntry>>("/dev/outbox?to=" + Uri.EscapeDataString(to), cancellationToken);
}
