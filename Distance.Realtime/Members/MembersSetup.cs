using System.Security.Claims;
using Distance.Data.Members;
using Distance.Data.Schools;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Distance.Realtime.Members;

/// <summary>DELETE /api/me's body (a v2-compatible addition: see docs/security.md).</summary>
public sealed record DeleteAccountRequest(string? Password);

internal static class MembersSetup
{
    private const int SchoolSearchLimit = 200;

    public static IServiceCollection AddMembers(this IServiceCollection services)
    {
        services.AddSingleton<MemberDeletion>();
        return services;
    }

    public static WebApplication MapMembers(this WebApplication app)
    {
        var members = app.MapGroup("/api").WithTags("Members").RequireAuthorization();
        members.MapGet("/me", GetMe);
        members.MapPatch("/me", PatchMe);
        members.MapDelete("/me", DeleteMe);
        members.MapGet("/members/{id:long}", GetMember);
        // Sign-up is how a client gets its first token: anonymous, and limited per IP like the SMS codes it follows.
        // Sign-up answers with tokens: no-store, like the identity routes.
        app.MapGroup("/api").WithTags("Accounts").AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Verification)
            .AddEndpointFilter(IdentitySetup.NoStore).MapSignUp();
        // Anonymous: a client picks the school before it has an account.
        app.MapGroup("/api/schools").WithTags("Members").AllowAnonymous().MapGet("", SearchSchools);
        return app;
    }

    internal static async Task<Results<Ok<MemberProfile>, ProblemHttpResult>> GetMe(
        HttpContext http, MemberAccountRepository accounts, CancellationToken cancellationToken)
    {
        var row = await accounts.FindAsync(http.User.MemberId(), cancellationToken);
        return row is null ? Problems.NotFound("The member no longer exists.") : TypedResults.Ok(MemberProfile.From(row));
    }

    internal static async Task<Results<Ok<MemberProfile>, ValidationProblem, ProblemHttpResult>> PatchMe(
        ProfilePatch patch, HttpContext http, MemberAccountRepository accounts, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var changes = new ProfileChanges(
            patch.Department is null ? null : errors.Text("department", patch.Department, ProfileRules.MaxTextLength),
            patch.Mbti is null ? null : errors.Mbti(patch.Mbti),
            patch.Character is null ? null : errors.Text("character", patch.Character, ProfileRules.MaxTextLength),
            patch.Tags is null ? null : errors.Interests("tags", patch.Tags),
            patch.Hobbies is null ? null : errors.Interests("hobbies", patch.Hobbies));
        if (errors.Any)
            return errors.ToProblem();

        var memberId = http.User.MemberId();
        var outcome = await accounts.UpdateProfileAsync(memberId, changes, ProfileRules.MinInterests, ProfileRules.MaxInterests, cancellationToken);
        if (outcome == ProfileUpdateOutcome.InterestCountOutOfRange)
            return Problems.Validation("tags", ProfileRules.InterestCountMessage);
        var row = outcome == ProfileUpdateOutcome.Updated ? await accounts.FindAsync(memberId, cancellationToken) : null;
        return row is null ? Problems.NotFound("The member no longer exists.") : TypedResults.Ok(MemberProfile.From(row));
    }

    /// <summary>
    /// Deletion asks for the password again: an access token alone (a leaked log line, an unlocked
    /// phone) must not be enough to destroy an account. Wrong passwords count in the same per-phone
    /// throttle as logins, so this is no way around it.
    /// </summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteMe(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DeleteAccountRequest? request, HttpContext http,
        MemberAccountRepository accounts, PasswordWork passwords, LoginThrottle throttle, AccountsMetrics metrics, AccountsLog log,
        MemberDeletion deletion, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request?.Password) || request.Password.Length > Passwords.MaximumLength)
            return Problems.Validation("password", $"Required: the account's password (at most {Passwords.MaximumLength} characters).");
        var memberId = http.User.MemberId();
        var stored = await accounts.PasswordOfAsync(memberId, cancellationToken);
        if (stored is not var (phone, hash))
            return Problems.NotFound("The member no longer exists.");
        var wait = await throttle.WaitAsync(phone);
        if (wait > TimeSpan.Zero)
            return AuthEndpoints.TooManyAttempts(http, wait, metrics, log);
        var verified = await passwords.VerifyAsync(hash, request.Password, cancellationToken);
        if (verified is null)
            return VerificationProblems.Busy(http);
        if (!verified.Value.Matches)
        {
            await throttle.FailedAsync(phone);
            return Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.PasswordMismatch, "The password is wrong; the account was not deleted.");
        }
        await deletion.DeleteAsync(memberId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The public profile: <see cref="PublicProfile"/> has no phone number to leak.</summary>
    internal static async Task<Results<Ok<PublicProfile>, ProblemHttpResult>> GetMember(
        long id, ClaimsPrincipal user, PublicProfileRepository profiles, CancellationToken cancellationToken)
    {
        var row = await profiles.FindVisibleAsync(id, user.MemberId(), cancellationToken);
        return row is null
            ? Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.MemberNotFound, "No such member.")
            : TypedResults.Ok(PublicProfile.From(row));
    }

    internal static async Task<Results<Ok<IReadOnlyList<SchoolRef>>, ValidationProblem>> SearchSchools(
        string? query, SchoolRepository schools, CancellationToken cancellationToken)
    {
        var prefix = query?.Trim() ?? "";
        if (prefix.Length > 100)
            return Problems.Validation("query", "At most 100 characters.");
        var found = await schools.SearchByPrefixAsync(prefix, SchoolSearchLimit, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SchoolRef>>(found.Select(s => new SchoolRef(s.Code, s.Name)).ToList());
    }
}
