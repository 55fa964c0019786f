using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Identity;

/// <summary>The answers every use of a verification token shares (sign-up, password reset), and the busy hasher's.</summary>
internal static class VerificationProblems
{
    /// <summary>An unknown, used or expired token means "verify again": 410, like an expired code.</summary>
    internal static ProblemHttpResult TokenGone() => Problems.Create(StatusCodes.Status410Gone, ErrorCodes.CodeExpired,
        "The verification token is unknown, used or expired; verify the phone again.");

    internal static ValidationProblem WrongPurpose(string purpose) =>
        Problems.Validation("verificationToken", $"This token was not issued for {purpose}.");

    /// <summary>The node's password hashing is saturated: 503, come back in a second (see <see cref="PasswordWork"/>).</summary>
    internal static ProblemHttpResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The server is busy; retry in a moment.");
    }
}

internal static class PasswordRules
{
    public static void Check(FieldErrors errors, string field, string? password)
    {
        if (password is null || password.Length < Passwords.MinimumLength)
            errors.Add(field, $"At least {Passwords.MinimumLength} characters.");
        else if (password.Length > Passwords.MaximumLength)
            errors.Add(field, $"At most {Passwords.MaximumLength} characters.");
        else if (string.IsNullOrWhiteSpace(password))
            errors.Add(field, "Must not be only spaces.");
    }
}
