using System.Net.Mail;
using Distance.Data.Members;
using Distance.Data.Schools;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.Notifications;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.StudentVerification;

public sealed record SchoolEmailRequest(string? Email);

public sealed record SchoolEmailConfirmRequest(string? Code);

internal static class StudentVerificationEndpoints
{
    private const int MaxEmailLength = 254;

    public static WebApplication MapSchoolEmailEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/verifications/school-email").WithTags("StudentVerification")
            .RequireAuthorization().RequireRateLimiting(RateLimitPolicies.Verification);
        group.MapPost("", RequestCode);
        group.MapPost("/confirm", ConfirmCode);
        return app;
    }

    internal static async Task<Results<Accepted<CodeSent>, ValidationProblem, ProblemHttpResult>> RequestCode(
        SchoolEmailRequest request, HttpContext http, MemberAccountRepository accounts, SchoolRepository schools,
        SchoolEmailVerification verification, SchoolEmailRepository schoolEmails, Messenger messenger,
        IOptions<StudentVerificationOptions> options, CancellationToken cancellationToken)
    {
        var email = request.Email?.Trim().ToLowerInvariant() ?? "";
        if (email.Length > MaxEmailLength || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !parsed.Host.Contains('.'))
            return Problems.Validation("email", "An e-mail address such as name@school.ac.kr.");

        var memberId = http.User.MemberId();
        var schoolCode = await accounts.SchoolOfAsync(memberId, cancellationToken);
        if (schoolCode is null)
            return Problems.NotFound("The member no longer exists.");
        var domains = await schools.DomainsAsync(schoolCode, cancellationToken);
        if (!domains.Contains(parsed.Host, StringComparer.Ordinal))
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, ErrorCodes.EmailDomainMismatch,
                "The address is not one of your school's e-mail domains.");

        if (await schoolEmails.InUseByAnotherAsync(email, memberId, cancellationToken))
            return EmailInUse();

        var code = SchoolEmailVerification.NewCode();
        var issued = await verification.IssueAsync(memberId, email, code);
        if (issued.Status != IssueStatus.Issued)
        {
            http.Response.Headers.RetryAfter = VerificationEndpoints.Seconds(issued.RetryAfter);
            return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyCodes, "Too many codes; wait before asking again.");
        }
        var lifetime = options.Value.CodeLifetime;
        try
        {
            await messenger.SendEmailAsync(email, "[Distance] 학교 인증 코드",
                $"Distance 학교 인증 코드: {code} ({lifetime.TotalMinutes:0}분 안에 입력해 주세요)", cancellationToken);
        }
        catch (MessageDeliveryException)
        {
            await verification.WithdrawAsync(memberId, email);
            http.Response.Headers.RetryAfter = "5";
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The e-mail could not be sent; retry later.");
        }
        return TypedResults.Accepted((string?)null, new CodeSent((int)lifetime.TotalSeconds));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ConfirmCode(
        SchoolEmailConfirmRequest request, HttpContext http, SchoolEmailVerification verification, SchoolEmailRepository schoolEmails,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var code = errors.Text("code", request.Code, 32).ToUpperInvariant();
        if (errors.Any)
            return errors.ToProblem();

        var memberId = http.User.MemberId();
        var (status, address) = await verification.ConfirmAsync(memberId, code);
        switch (status)
        {
            case ConfirmStatus.Mismatch:
                return Problems.Create(StatusCodes.Status400BadRequest, ErrorCodes.CodeMismatch, "The code does not match.");
            case ConfirmStatus.Expired or ConfirmStatus.Locked:
                return Problems.Create(StatusCodes.Status410Gone, ErrorCodes.CodeExpired, "No valid code; ask for a new one.");
        }
        switch (await schoolEmails.VerifyAsync(memberId, address!, cancellationToken))
        {
            case SchoolEmailOutcome.EmailInUse:
                return EmailInUse();
            case SchoolEmailOutcome.MemberMissing:
                return Problems.NotFound("The member no longer exists.");
        }
        await verification.ForgetAsync(memberId);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult EmailInUse() => Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.EmailInUse,
        "This school address already verifies another account.");
}
