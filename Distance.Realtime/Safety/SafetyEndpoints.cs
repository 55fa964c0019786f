using System.Globalization;
using System.Security.Claims;
using Distance.Data.Reports;
using Distance.Data.Safety;
using Distance.Realtime.Identity;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Safety;

/// <summary>/api/blocks and /api/reports (contract v2 "Blocking" and "Reports").</summary>
internal static class SafetyEndpoints
{
    private const int MaxDetailsLength = 1000;

    public static void MapSafetyEndpoints(this IEndpointRouteBuilder app)
    {
        var blocks = app.MapGroup("/api/blocks").RequireAuthorization().WithTags("Safety");
        blocks.MapPost("", BlockAsync).RequireRateLimiting(RateLimitPolicies.Social);
        blocks.MapDelete("/{memberId:long}", UnblockAsync).RequireRateLimiting(RateLimitPolicies.Social);
        blocks.MapGet("", ListAsync);

        app.MapGroup("/api/reports").RequireAuthorization().WithTags("Safety")
            .RequireRateLimiting(RateLimitPolicies.Social).MapPost("", ReportAsync);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> BlockAsync(
        BlockRequest body, ClaimsPrincipal user, BlockService blocks, CancellationToken cancellationToken)
    {
        var blockerId = user.MemberId();
        if (body.MemberId is not { } memberId || memberId <= 0 || memberId == blockerId)
            return Problems.Validation("memberId", "The id of another member is required.");
        return await blocks.BlockAsync(blockerId, memberId, cancellationToken) == BlockOutcome.Blocked
            ? TypedResults.NoContent()
            : MemberNotFound();
    }

    // Idempotent, and the same answer for any id: unblocking reveals nothing.
    private static async Task<NoContent> UnblockAsync(long memberId, ClaimsPrincipal user, BlockService blocks, CancellationToken cancellationToken)
    {
        await blocks.UnblockAsync(user.MemberId(), memberId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<BlockedMember>>> ListAsync(ClaimsPrincipal user, BlockService blocks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await blocks.ListAsync(user.MemberId(), cancellationToken));

    private static async Task<Results<Created<ReportFiled>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        ReportRequest body, HttpContext http, ReportService reports, CancellationToken cancellationToken)
    {
        var reporterId = http.User.MemberId();
        var errors = new FieldErrors();
        if (body.MemberId is not > 0)
            errors.Add("memberId", "The id of the member to report.");
        else if (body.MemberId == reporterId)
            errors.Add("memberId", "You cannot report yourself.");
        if (body.Reason is null || !ReportReasons.All.Contains(body.Reason))
            errors.Add("reason", "One of: " + string.Join(", ", ReportReasons.All) + ".");
        var details = string.IsNullOrWhiteSpace(body.Details) ? null : body.Details.Trim();
        if (details?.Length > MaxDetailsLength)
            errors.Add("details", $"At most {MaxDetailsLength} characters.");
        if (body.RoomId is <= 0)
            errors.Add("roomId", "A room id is a positive number.");
        if (errors.Any)
            return errors.ToProblem();

        var result = await reports.FileAsync(reporterId, body.MemberId!.Value, body.Reason!, details, body.RoomId, cancellationToken);
        switch (result.Outcome)
        {
            case ReportOutcome.Filed:
                return TypedResults.Created((string?)null, new ReportFiled(body.MemberId.Value, body.Reason!, result.CreatedAt));
            case ReportOutcome.ReporterUnverified:
                return Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.StudentUnverified, "Only verified students may report.");
            case ReportOutcome.AlreadyReported:
                return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.AlreadyReported, "You already reported this member.");
            case ReportOutcome.TooManyReports:
                http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(result.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyReports, "You have filed the most reports a day allows.");
            case ReportOutcome.RoomNotShared:
                return Problems.Validation("roomId", "Not a room you share with this member.");
            default:
                return MemberNotFound();
        }
    }

    internal static ProblemHttpResult MemberNotFound() =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.MemberNotFound, "No such member.");
}
