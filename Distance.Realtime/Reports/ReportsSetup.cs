using System.ComponentModel.DataAnnotations;
using Distance.Data.Reports;
using Distance.Realtime.Accounts;
using Distance.Realtime.Auth;
using Distance.Realtime.Errors;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Reports;

public sealed class ReportsOptions
{
    public const string Section = "Reports";

    /// <summary>Distinct reporters at which a member is deactivated.</summary>
    [Range(1, 100)]
    public int DeactivationThreshold { get; set; } = 3;
}

public sealed record ReportRequest(long? MemberId, string? Reason);

public sealed record ReportFiled(long MemberId, string Reason, DateTime CreatedAt);

internal static partial class ReportsSetup
{
    private const int MaxReasonLength = 500;

    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static WebApplication MapReports(this WebApplication app)
    {
        app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.Social).MapPost("", FileReport);
        return app;
    }

    internal static async Task<Results<Created<ReportFiled>, ValidationProblem, ProblemHttpResult>> FileReport(
        ReportRequest request, HttpContext http, ReportRepository reports, MemberSessions sessions, IOptions<ReportsOptions> options,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
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
        var now = clock.GetUtcNow().UtcDateTime;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
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
            LogDeactivated(loggers.CreateLogger("Distance.Realtime.Reports"), reportedId, options.Value.DeactivationThreshold);
            await sessions.EndAllAsync(reportedId, cancellationToken);
        }
        return TypedResults.Created((string?)null, new ReportFiled(reportedId, reason, result.CreatedAt));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member {MemberId} was deactivated after {Reporters} distinct reports")]
    private static partial void LogDeactivated(ILogger logger, long memberId, int reporters);
}
