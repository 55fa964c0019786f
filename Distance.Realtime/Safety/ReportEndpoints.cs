using Distance.Data.Database;
using Distance.Data.Reports;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Safety;

/// <summary>POST /api/reports: enough distinct reporters deactivate a member.</summary>
internal static class ReportEndpoints
{
    private const int MaxReasonLength = 500;

    public static WebApplication MapReportEndpoints(this WebApplication app)
    {
        app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.Social).MapPost("", FileReport);
        return app;
    }

    internal static async Task<Results<Created<ReportFiled>, ValidationProblem, ProblemHttpResult>> FileReport(
        ReportRequest request, HttpContext http, ReportRepository reports, MemberSessions sessions, IOptions<ReportsOptions> options,
        TimeProvider clock, ReportsLog log, CancellationToken cancellationToken)
    {
        var reporterId = http.User.MemberId();
        var errors = new FieldErrors();
        if (request.MemberId is not > 0)
            errors.Add("memberId", "The id of the member to report.");
        else if (request.MemberId == reporterId)
            errors.Add("memberId", "You cannot report yourself.");
        var reason = errors.Text("reason", request.Reason, MaxReasonLength);
        if (errors.Any)
            return errors.ToProblem();

        var reportedId = request.MemberId!.Value;
        var now = StoredTime.Now(clock);
        var result = await reports.FileAsync(reporterId, reportedId, reason, options.Value.DeactivationThreshold, now, cancellationToken);
        switch (result.Outcome)
        {
            case ReportOutcome.UnknownMember:
                return Problems.NotFound("No such member.");
            case ReportOutcome.AlreadyReported:
                return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.AlreadyReported, "You already reported this member.");
        }
        if (result.Deactivated)
        {
            // The deactivation is committed; now every session of the member ends, on every node.
            log.Deactivated(reportedId, options.Value.DeactivationThreshold);
            await sessions.EndAllAsync(reportedId, cancellationToken);
        }
        return TypedResults.Created((string?)null, new ReportFiled(reportedId, reason, result.CreatedAt));
    }
}
