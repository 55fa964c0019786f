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
        IOptions<AccountsOptions> options, AccountsMetrics metrics, AccountsLog log, CancellationToken cancellationToken)
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
        // Whether the phone is registered must not be learnable for free: a reset for an unknown
        // phone looks like any other (a code is stored, so confirming it answers the same, but no
        // SMS goes out), and sign-up's 409 counts against the same limits as a sent code.
        var registered = await members.PhoneExistsAsync(phone!, cancellationToken);
        var intent = (request.Purpose, registered) switch
        {
            (VerificationPurposes.SignUp, true) => SmsIntent.CountOnly,
            (VerificationPurposes.PasswordReset, false) => SmsIntent.StoreOnly,
            _ => SmsIntent.Send,
        };
        var code = SmsVerification.NewCode(request.Purpose!);
        var issued = await sms.IssueAsync(phone!, request.Purpose!, code, http.Connection.RemoteIpAddress, intent);
        if (issued.Status != IssueStatus.Issued)
        {
            http.Response.Headers.RetryAfter = Seconds(issued.RetryAfter);
            if (issued.Status == IssueStatus.BudgetExhausted)
            {
                log.SmsCodeRefused("hourly SMS budget");
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.SmsBudgetExhausted,
                    "The service has sent as many SMS as it may this hour; try again later.");
            }
            log.SmsCodeRefused(issued.Status == IssueStatus.TooSoon ? "resend spacing" : "daily limit");
            return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyCodes,
                issued.Status == IssueStatus.TooSoon ? "A code was sent moments ago; wait before asking again." : "No more codes today.");
        }
        if (intent == SmsIntent.CountOnly)
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.PhoneTaken, "This phone number already has an account.");

        var lifetime = options.Value.SmsCodeLifetime;
        if (intent == SmsIntent.Send)
        {
            try
            {
                await messenger.SendSmsAsync(phone!, $"[Distance] 인증번호 {code} ({lifetime.TotalMinutes:0}분 안에 입력해 주세요)", cancellationToken);
                metrics.SmsSent.Add(1);
            }
            catch (MessageDeliveryException)
            {
                // The client never saw this code: drop it and lift the spacing so a retry can go out.
                await sms.WithdrawAsync(phone!);
                log.SmsDeliveryFailed();
                http.Response.Headers.RetryAfter = "5";
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The SMS could not be sent; retry later.");
            }
        }
        log.SmsCodeIssued(request.Purpose!);
        return TypedResults.Accepted((string?)null, new CodeSent((int)lifetime.TotalSeconds));
    }

    internal static async Task<Results<Ok<VerificationTokenIssued>, ValidationProblem, ProblemHttpResult>> ConfirmCode(
        SmsConfirmRequest request, HttpContext http, SmsVerification sms, AccountsMetrics metrics, IOptions<AccountsOptions> options)
    {
        var errors = new FieldErrors();
        if (!PhoneNumbers.TryNormalize(request.Phone, out var phone))
            errors.Add("phone", PhoneNumbers.FormatMessage);
        // Any other text is simply a wrong code (and counts as a try); only absurd input is invalid.
        var code = errors.Text("code", request.Code, 32);
        if (errors.Any)
            return errors.ToProblem();

        var (confirmation, purpose) = await sms.ConfirmAsync(phone!, code, http.Connection.RemoteIpAddress);
        switch (confirmation.Status)
        {
            case ConfirmStatus.Confirmed:
                return TypedResults.Ok(new VerificationTokenIssued(confirmation.Token!, (int)options.Value.VerificationTokenLifetime.TotalSeconds));
            case ConfirmStatus.Mismatch:
                metrics.CodeConfirmationsFailed.Add(1, new KeyValuePair<string, object?>("purpose", purpose));
                return Problems.Create(StatusCodes.Status400BadRequest, ErrorCodes.CodeMismatch, "The code does not match.");
            case ConfirmStatus.Locked:
                metrics.Lockouts.Add(1, new KeyValuePair<string, object?>("kind", "confirm"));
                http.Response.Headers.RetryAfter = Seconds(confirmation.RetryAfter);
                return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyAttempts,
                    "Too many wrong codes; wait before trying again.");
            default:
                return Problems.Create(StatusCodes.Status410Gone, ErrorCodes.CodeExpired, "No valid code for this phone; ask for a new one.");
        }
    }

    /// <summary>An operator banned the phone (BannedPhoneRepository): no code, no sign-up.</summary>
    internal static ProblemHttpResult PhoneBanned() =>
        Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.PhoneBanned, "This phone number is banned.");

    internal static string Seconds(TimeSpan span) =>
        Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
