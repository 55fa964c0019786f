using Distance.Data.Auth;
using Distance.Data.Members;
using Distance.Data.Schools;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.Members;
using Distance.Realtime.Phones;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Members;

/// <summary>POST /api/members: sign-up with a verified phone.</summary>
internal static class SignUpEndpoint
{
    public static RouteGroupBuilder MapSignUp(this RouteGroupBuilder group)
    {
        group.MapPost("/members", SignUp);
        return group;
    }

    private sealed record ValidSignUp(NewMember Member, string? ReferrerPhone);

    internal static async Task<Results<Created<SignedUp>, ValidationProblem, ProblemHttpResult>> SignUp(
        SignUpRequest request, HttpContext http, VerificationTokens verificationTokens, SchoolRepository schools, MemberRepository members,
        MemberAccountRepository accounts, LoginRepository logins, BannedPhoneRepository banned, SessionTokens sessionTokens, PasswordWork passwords,
        IOptions<AccountsOptions> options, AccountsLog log, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var valid = Validate(request, errors);
        if (valid is not null && await schools.FindAsync(valid.Member.SchoolCode, cancellationToken) is null)
            errors.Add("schoolCode", "Not a known school code (see GET /api/schools).");
        if (errors.Any)
            return errors.ToProblem();

        // The token before the hash: a forged token must not buy 100k PBKDF2 iterations.
        // Claimed, not consumed: every failure below gives the token back.
        var claim = await verificationTokens.ClaimAsync(request.VerificationToken!, VerificationPurposes.SignUp);
        if (claim.Status == ClaimStatus.WrongPurpose)
            return VerificationProblems.WrongPurpose(VerificationPurposes.SignUp);
        if (claim.Status != ClaimStatus.Claimed)
            return VerificationProblems.TokenGone();
        var completed = false;
        try
        {
            if (valid!.ReferrerPhone == claim.Phone)
                return Problems.Validation("referrerPhone", "You cannot refer yourself.");
            if (await banned.IsBannedAsync(claim.Phone, cancellationToken))
                return VerificationEndpoints.PhoneBanned();
            var hash = await passwords.HashAsync(request.Password!, cancellationToken);
            if (hash is null)
                return VerificationProblems.Busy(http);
            var member = valid.Member with { Phone = claim.Phone, PasswordHash = hash };
            var result = await members.SignUpAsync(member, valid.ReferrerPhone, options.Value.ReferralCapacityCap, cancellationToken);
            if (result.Outcome == SignUpOutcome.PhoneTaken)
                return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.PhoneTaken, "This phone number already has an account.");
            completed = true;
            log.SignedUp(result.MemberId, result.Referred);
            // The phone's reports from a deleted account came back and suspend the new one at once.
            if (result.Suspended)
                return Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.AccountDeactivated, "This account is suspended.");

            var loginId = await logins.StartAsync(result.MemberId, null, cancellationToken)
                          ?? throw new InvalidOperationException("A member that just signed up could not log in.");
            var tokens = await sessionTokens.IssueAsync(result.MemberId, loginId, cancellationToken);
            var profile = await accounts.FindAsync(result.MemberId, cancellationToken)
                          ?? throw new InvalidOperationException("A member that just signed up was not found.");
            return TypedResults.Created("/api/me", new SignedUp(MemberProfile.From(profile), tokens));
        }
        finally
        {
            if (!completed)
                await verificationTokens.RestoreAsync(claim);
        }
    }

    private static ValidSignUp? Validate(SignUpRequest request, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(request.VerificationToken))
            errors.Add("verificationToken", "Required: confirm the phone first (POST /api/verifications/sms/confirm).");
        PasswordRules.Check(errors, "password", request.Password);
        var gender = errors.Gender(request.Gender);
        var schoolCode = errors.Text("schoolCode", request.SchoolCode, 32);
        var college = errors.Text("college", request.College, ProfileRules.MaxTextLength);
        var department = errors.Text("department", request.Department, ProfileRules.MaxTextLength);
        var mbti = errors.Mbti(request.Mbti);
        var character = errors.Text("character", request.Character, ProfileRules.MaxTextLength);
        var tags = errors.Interests("tags", request.Tags);
        var hobbies = errors.Interests("hobbies", request.Hobbies);
        if (tags.Count + hobbies.Count is < ProfileRules.MinInterests or > ProfileRules.MaxInterests)
            errors.Add("tags", ProfileRules.InterestCountMessage);
        string? referrer = null;
        if (request.ReferrerPhone is not null && !PhoneNumbers.TryNormalize(request.ReferrerPhone, out referrer))
            errors.Add("referrerPhone", PhoneNumbers.FormatMessage);
        if (errors.Any)
            return null;

        // The hash comes later, after the token is claimed.
        var member = new NewMember("", "", gender, schoolCode.ToUpperInvariant(), college, department,
            mbti, character, tags, hobbies);
        return new ValidSignUp(member, referrer);
    }
}
