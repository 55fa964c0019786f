using Distance.Data.Auth;
using Distance.Data.Members;
using Distance.Realtime.Errors;
using Distance.Realtime.Notifications;
using Distance.Realtime.Phones;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Identity;

/// <summary>POST /api/verifications/sms and /sms/confirm.</summary>
internal static class VerificationEndpoints
{
    public static RouteGroupBuilder MapSmsVerification(this RouteGroupBuilder group)
    {
        group.MapPost("/verifications/sms", RequestCode);
        group.MapPost("/verifications/sms/confirm", ConfirmCode);
        return group;
    }

    internal static async Task<Results<Accepted<CodeSent>, ValidationProblem, ProblemHttpResult>> RequestCode(
        SmsCodeRequest request, HttpContext http, SmsVerification sms, MemberRepository members, BannedPhoneRepository banned, Messenger messenger,
        IOptions<AccountsOptions> options, AccountsLog log, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!PhoneNumbers.TryNormalize(request.Phone, out var phone))
            errors.Add("phone", PhoneNumbers.FormatMessage);
        if (!VerificationPurposes.IsKnown(request.Purpose))
            errors.Add("purpose", "\"signup\" or \"password-reset\".");
        if (errors.Any)
            return errors.ToProblem();

        if (await banned.IsBannedAsync(phone!, cancellationToken))
            return PhoneBanned();
        var registered = await members.PhoneExistsAsync(phone!, cancellationToken);
        if (request.Purpose == VerificationPurposes.SignUp && registered)
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.PhoneTaken, "This phone number already has an account.");
        if (request.Purpose == VerificationPurposes.PasswordReset && !registered)
            return Problems.NotFound("No account has this phone number.");

        var code = SmsVerification.NewCode();
        var issued = await sms.IssueAsync(phone!, request.Purpose!, code, http.Connection.RemoteIpAddress);
        if (issued.Status != IssueStatus.Issued)
        {
            log.SmsCodeRefused(issued.Status == IssueStatus.TooSoon ? "resend spacing" : "daily limit");
            http.Response.Headers.RetryAfter = Seconds(issued.RetryAfter);
            return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyCodes,
                issued.Status == IssueStatus.TooSoon ? "A code was sent moments ago; wait before asking again." : "No more codes today.");
        }

        var lifetime = options.Value.SmsCodeLifetime;
        try
        {
            await messenger.SendSmsAsync(phone!, $"[Distance] 인증번호 {code} ({lifetime.TotalMinutes:0}분 안에 입력해 주세요)", cancellationToken);
        }
        catch (MessageDeliveryException)
        {
            // The client never saw this code: drop it and lift the spacing so a retry can go out.
            await sms.WithdrawAsync(phone!);
            log.SmsDeliveryFailed();
            http.Response.Headers.RetryAfter = "5";
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The SMS could not be sent; retry later.");
        }
        log.SmsCodeIssued(request.Purpose!);
        return TypedResults.Accepted((string?)null, new CodeSent((int)lifetime.TotalSeconds));
    }

    internal static async Task<Results<Ok<VerificationTokenIssued>, ValidationProblem, ProblemHttpResult>> ConfirmCode(
        SmsConfirmRequest request, SmsVerification sms, IOptions<AccountsOptions> options)
    {
        var errors = new FieldErrors();
        if (!PhoneNumbers.TryNormalize(request.Phone, out var phone))
            errors.Add("phone", PhoneNumbers.FormatMessage);
        // Any other text is simply a wrong code (and counts as a try); only absurd input is invalid.
        var code = errors.Text("code", request.Code, 32);
        if (errors.Any)
            return errors.ToProblem();

        var confirmation = await sms.ConfirmAsync(phone!, code);
        return confirmation.Status switch
        {
            ConfirmStatus.Confirmed => TypedResults.Ok(new VerificationTokenIssued(
                confirmation.Token!, (int)options.Value.VerificationTokenLifetime.TotalSeconds)),
            ConfirmStatus.Mismatch => Problems.Create(StatusCodes.Status400BadRequest, ErrorCodes.CodeMismatch, "The code does not match."),
            _ => Problems.Create(StatusCodes.Status410Gone, ErrorCodes.CodeExpired, "No valid code for this phone; ask for a new one."),
        };
    }

    /// <summary>An operator banned the phone (BannedPhoneRepository): no code, no sign-up.</summary>
    internal static ProblemHttpResult PhoneBanned() =>
        Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.PhoneBanned, "This phone number is banned.");

    internal static string Seconds(TimeSpan span) =>
        Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
