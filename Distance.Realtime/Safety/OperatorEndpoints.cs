using System.Globalization;
using System.Security.Claims;
using Distance.Data.Moderation;
using Distance.Realtime.Identity;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Safety;

/// <summary>/api/admin (contract v2 "Operators"): only access tokens with the role "operator"; anyone else gets 403 forbidden.</summary>
internal static class OperatorEndpoints
{
    public const string OperatorPolicy = "operator";
    private const int MaxReasonLength = 500;

    public static void MapOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(OperatorPolicy).WithTags("Operators");
        admin.MapGet("/reports", QueueAsync);
        admin.MapPost("/members/{memberId:long}/reinstate", ReinstateAsync);
        admin.MapPost("/members/{memberId:long}/ban", BanAsync);
    }

    private static async Task<Results<Ok<QueuePage>, ValidationProblem>> QueueAsync(
        string? status, string? page, ReportQueueRepository queue, IOptions<SafetyOptions> options, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (status is not (null or "open" or "resolved"))
            errors.Add("status", "open or resolved.");
        var number = 1;
        if (page is not null && !(int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= 100_000))
            errors.Add("page", "A page number from 1.");
        if (errors.Any)
            return errors.ToProblem();

        var (items, hasMore) = await queue.PageAsync(status != "resolved", number, options.Value.QueuePageSize, cancellationToken);
        return TypedResults.Ok(new QueuePage(items.Select(i => new QueueItem(
            new QueueMemberView(i.MemberId, i.Nickname, i.Status),
            i.Reports.Select(r => new QueueReportView(r.ReporterId, r.Reason, r.Details, r.RoomId, r.CreatedAt)).ToList(),
            i.Evidence.Select(m => new EvidenceMessage(m.RoomId, m.Seq, m.SenderId, m.Kind, m.Text, m.SentAt, m.ClientMessageId?.ToString("D"))).ToList()))
            .ToList(), number, hasMore));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReinstateAsync(
        long memberId, ClaimsPrincipal user, ModerationService moderation, CancellationToken cancellationToken) =>
        await moderation.ReinstateAsync(user.MemberId(), memberId, cancellationToken) == ModerationOutcome.Done
            ? TypedResults.NoContent()
            : SafetyEndpoints.MemberNotFound();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> BanAsync(
        long memberId, BanRequest body, ClaimsPrincipal user, ModerationService moderation, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = errors.Text("reason", body.Reason, MaxReasonLength);
        if (errors.Any)
            return errors.ToProblem();
        return await moderation.BanAsync(user.MemberId(), memberId, reason, cancellationToken) == ModerationOutcome.Done
            ? TypedResults.NoContent()
            : SafetyEndpoints.MemberNotFound();
    }
}
