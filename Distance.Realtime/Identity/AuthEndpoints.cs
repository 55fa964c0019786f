using Distance.Data.Auth;
using Distance.Data.Members;
using Distance.Realtime.Errors;
using Distance.Realtime.Connections;
using Distance.Realtime.Phones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Identity;

/// <summary>POST /api/auth/login, /refresh, /logout and /password-reset.</summary>
internal static class AuthEndpoints
{
    private const int MaxPushTokenLength = 512;

    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder group)
    {
        group.MapPost("/auth/login", Login);
        group.MapPost("/auth/refresh", Refresh);
        group.MapPost("/auth/logout", Logout);
        group.MapPost("/auth/password-reset", ResetPassword);
        return group;
    }

    internal static async Task<Results<Ok<TokenPair>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, MemberAccountRepository accounts, LoginRepository logins, SessionTokens sessionTokens,
        PasswordWork passwords, LoginThrottle throttle, AccountsMetrics metrics, AccountsLog log, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!PhoneNumbers.TryNormalize(request.Phone, out var phone))
            errors.Add("phone", PhoneNumbers.FormatMessage);
        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > Passwords.MaximumLength)
            errors.Add("password", $"Required, at most {Passwords.MaximumLength} characters.");
        if (request.PushToken is { Length: > MaxPushTokenLength })
            errors.Add("pushToken", $"At most {MaxPushTokenLength} characters.");
        if (errors.Any)
            return errors.ToProblem();

        // Before any hashing: a phone under attack costs the guessers nothing more than a Redis call.
        var wait = await throttle.WaitAsync(phone!);
        if (wait > TimeSpan.Zero)
            return TooManyAttempts(http, wait, metrics, log);

        var credentials = await accounts.FindCredentialsAsync(phone!, cancellationToken);
        if (credentials is null)
        {
            if (!await passwords.VerifyDecoyAsync(request.Password!, cancellationToken))
                return VerificationProblems.Busy(http);
            await throttle.FailedAsync(phone!);
            log.LoginRefused("unknown phone");
            return InvalidCredentials();
        }
        var verified = await passwords.VerifyAsync(credentials.PasswordHash, request.Password!, cancellationToken);
        if (verified is not var (matches, rehash))
            return VerificationProblems.Busy(http);
        if (!matches)
        {
            await throttle.FailedAsync(phone!);
            log.LoginRefused("wrong password");
            return InvalidCredentials();
        }
        await throttle.SucceededAsync(phone!);
        // Only after the right password, so a guesser cannot learn that an account is deactivated.
        if (credentials.Deactivated)
            return Deactivated(log);
        if (rehash && await passwords.HashAsync(request.Password!, cancellationToken) is { } upgraded)
            await accounts.SetPasswordHashAsync(credentials.Id, upgraded, cancellationToken);

        var pushToken = string.IsNullOrWhiteSpace(request.PushToken) ? null : request.PushToken;
        var loginId = await logins.StartAsync(credentials.Id, pushToken, cancellationToken);
        if (loginId is null)
            return Deactivated(log); // deactivated (or deleted) between the check and the login
        log.LoggedIn(credentials.Id, loginId.Value);
        return TypedResults.Ok(await sessionTokens.IssueAsync(credentials.Id, loginId.Value, cancellationToken));
    }

    internal static ProblemHttpResult TooManyAttempts(HttpContext http, TimeSpan wait, AccountsMetrics metrics, AccountsLog log)
    {
        metrics.Lockouts.Add(1, new KeyValuePair<string, object?>("kind", "login"));
        log.LoginRefused("too many wrong passwords");
        http.Response.Headers.RetryAfter = VerificationEndpoints.Seconds(wait);
        return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyAttempts,
            "Too many wrong passwords for this phone; wait before trying again.");
    }

    internal static async Task<Results<Ok<TokenPair>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshTokenRequest request, SessionTokens sessionTokens, LoginRevocations revocations, MemberDisconnects disconnects,
        AccountsLog log, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
            return Problems.Validation("refreshToken", "Required.");
        if (!SessionTokens.TryHash(request.RefreshToken, out var hash))
            return TokenInvalid();

        var refreshed = await sessionTokens.RotateAsync(hash, cancellationToken);
        var result = refreshed.Result;
        switch (result.Outcome)
        {
            case RotationOutcome.Rotated:
                return TypedResults.Ok(refreshed.Tokens!);
            case RotationOutcome.Reused:
                // Two parties hold this login's tokens; neither can be trusted, so its access tokens
                // stop too, and its live connections close on every node.
                await revocations.RevokeAsync([result.LoginId]);
                await disconnects.DisconnectLoginEverywhereAsync(result.LoginId);
                log.RefreshReused(result.LoginId, result.MemberId);
                return Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.RefreshReused,
                    "This refresh token was already used; the login is revoked. Log in again.");
            case RotationOutcome.Expired:
                return Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.TokenExpired, "The refresh token has expired. Log in again.");
            default:
                return TokenInvalid();
        }
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Logout(
        RefreshTokenRequest request, RefreshTokenRepository refreshTokens, LoginRepository logins, LoginRevocations revocations,
        MemberDisconnects disconnects, AccountsLog log, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
            return Problems.Validation("refreshToken", "Required.");
        if (!SessionTokens.TryHash(request.RefreshToken, out var hash))
            return TokenInvalid();
        var loginId = await refreshTokens.LoginOfAsync(hash, cancellationToken);
        if (loginId is null)
            return TokenInvalid();

        // Idempotent: logging out a login that is already revoked changes nothing and still succeeds.
        await logins.EndAsync(loginId.Value, cancellationToken);
        await revocations.RevokeAsync([loginId.Value]);
        await disconnects.DisconnectLoginEverywhereAsync(loginId.Value);
        log.LoggedOut(loginId.Value);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetPassword(
        PasswordResetRequest request, HttpContext http, VerificationTokens verificationTokens, MemberAccountRepository accounts,
        MemberSessions sessions, PasswordWork passwords, AccountsLog log, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.VerificationToken))
            errors.Add("verificationToken", "Required: confirm the phone first (purpose \"password-reset\").");
        PasswordRules.Check(errors, "newPassword", request.NewPassword);
        if (errors.Any)
            return errors.ToProblem();

        // The token before the hash: a forged token must not buy 100k PBKDF2 iterations.
        var claim = await verificationTokens.ClaimAsync(request.VerificationToken!, VerificationPurposes.PasswordReset);
        if (claim.Status == ClaimStatus.WrongPurpose)
            return VerificationProblems.WrongPurpose(VerificationPurposes.PasswordReset);
        if (claim.Status != ClaimStatus.Claimed)
            return VerificationProblems.TokenGone();
        var completed = false;
        try
        {
            var memberId = await accounts.FindIdByPhoneAsync(claim.Phone, cancellationToken);
            if (memberId is null)
                return Problems.NotFound("No account has this phone number.");
            var hash = await passwords.HashAsync(request.NewPassword!, cancellationToken);
            if (hash is null)
                return VerificationProblems.Busy(http);
            await accounts.SetPasswordHashAsync(memberId.Value, hash, cancellationToken);
            completed = true;
            // Whoever knew the old password may be signed in: every session ends.
            await sessions.EndAllAsync(memberId.Value, cancellationToken);
            log.PasswordReset(memberId.Value);
            return TypedResults.NoContent();
        }
        finally
        {
            if (!completed)
                await verificationTokens.RestoreAsync(claim);
        }
    }

    private static ProblemHttpResult InvalidCredentials() =>
        Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "The phone number or password is wrong.");

    private static ProblemHttpResult TokenInvalid() =>
        Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.TokenInvalid, "The refresh token is not valid.");

    private static ProblemHttpResult Deactivated(AccountsLog log)
    {
        log.LoginRefused("deactivated");
        return Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.AccountDeactivated, "This account is deactivated.");
    }
}
