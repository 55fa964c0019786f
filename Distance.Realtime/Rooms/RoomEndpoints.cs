using System.Globalization;
using System.Security.Claims;
using Distance.Data.Rooms;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Rooms;

/// <summary>/api/rooms (its messages are Chat's: MessageEndpoints). Anyone who is not a member of a room gets 404 on all of its routes.</summary>
internal static class RoomEndpoints
{
    public static RouteGroupBuilder MapRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rooms").RequireAuthorization().WithTags("Rooms");
        // Actions that reach someone else carry the per-member "social" limit on top of the global one.
        group.MapPost("", CreateAsync).RequireRateLimiting(RateLimitPolicies.Social);
        group.MapGet("", ListAsync);
        group.MapPost("/{roomId:long}/leave", LeaveAsync);
        group.MapPost("/{roomId:long}/phone-consent", ConsentAsync).RequireRateLimiting(RateLimitPolicies.Social);
        group.MapGet("/{roomId:long}/phone", PhoneAsync);
        return group;
    }

    private static async Task<Results<Created<RoomResponse>, Ok<RoomResponse>, Accepted<RequestResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRoomBody body, HttpContext http, RoomService rooms, CancellationToken cancellationToken)
    {
        var callerId = http.User.MemberId();
        if (body.MemberId is not { } opponentId || opponentId <= 0 || opponentId == callerId)
            return Problems.Validation("memberId", "The id of another member is required.");

        var created = await rooms.CreateAsync(callerId, opponentId, cancellationToken);
        return created.Result.Outcome switch
        {
            CreateRoomOutcome.Created when created.Room is not null => TypedResults.Created(Location(created.Room.RoomId), new RoomResponse(created.Room)),
            CreateRoomOutcome.Existing when created.Room is not null => TypedResults.Ok(new RoomResponse(created.Room)),
            CreateRoomOutcome.Requested when created.Request is not null => TypedResults.Accepted("/api/requests", new RequestResponse(created.Request)),
            CreateRoomOutcome.CallerUnverified => Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.StudentUnverified, "Only verified students may open rooms."),
            CreateRoomOutcome.CallerFull => Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.RoomLimitReached, "You have no free room; leave one first."),
            CreateRoomOutcome.PairLimitReached => TooManyRooms(http, created.Result.RetryAfter),
            _ => MemberNotFound(),
        };
    }

    /// <summary>The cap on new rooms per pair and day (issue #21), with the contract's Retry-After.</summary>
    internal static ProblemHttpResult TooManyRooms(HttpContext http, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyRooms, "You two have opened the most rooms a day allows.");
    }

    internal static ProblemHttpResult MemberNotFound() =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.MemberNotFound, "No such member.");

    // Paged by a cursor: ?before= is the id of the last room of the previous page (newest activity first).
    private static async Task<Results<Ok<IReadOnlyList<RoomSummary>>, ValidationProblem>> ListAsync(
        string? before, string? limit, ClaimsPrincipal user, RoomViews views, IOptions<RoomsOptions> options, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var errors = new Dictionary<string, string[]>();
        long? beforeRoomId = null;
        if (before is not null)
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
                beforeRoomId = id;
            else
                errors["before"] = ["before is the roomId of the last room of the previous page."];
        }
        var pageSize = o.RoomListPageSize;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) && pageSize >= 1 && pageSize <= o.RoomListMaxPageSize))
            errors["limit"] = [$"limit is 1–{o.RoomListMaxPageSize}."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        var page = await views.ListAsync(user.MemberId(), beforeRoomId, pageSize, cancellationToken);
        return page is null
            ? Problems.Validation("before", "Not a room in your list.")
            : TypedResults.Ok(page);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LeaveAsync(
        long roomId, ClaimsPrincipal user, RoomService rooms, CancellationToken cancellationToken) =>
        await rooms.LeaveAsync(user.MemberId(), roomId, cancellationToken) == LeaveOutcome.NotMember
            ? RoomNotFound()
            : TypedResults.NoContent();

    private static async Task<Results<Ok<PhoneSharedResponse>, ProblemHttpResult>> ConsentAsync(
        long roomId, ClaimsPrincipal user, RoomService rooms, CancellationToken cancellationToken)
    {
        var result = await rooms.ConsentAsync(user.MemberId(), roomId, cancellationToken);
        return result.Outcome switch
        {
            ConsentOutcome.Consented => TypedResults.Ok(new PhoneSharedResponse(result.PhoneShared)),
            ConsentOutcome.NotEnoughExchanges => Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.NotEnoughExchanges, "The room needs more exchanges first."),
            ConsentOutcome.Inactive => Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.RoomInactive, "The room is no longer active."),
            _ => RoomNotFound(),
        };
    }

    private static async Task<Results<Ok<PhoneResponse>, ProblemHttpResult>> PhoneAsync(
        long roomId, ClaimsPrincipal user, PhoneConsentRepository phones, CancellationToken cancellationToken)
    {
        var phone = await phones.OpponentPhoneAsync(roomId, user.MemberId(), cancellationToken);
        if (!phone.IsMember)
            return RoomNotFound();
        return phone.Phone is null
            ? Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Both members must consent first.")
            : TypedResults.Ok(new PhoneResponse(phone.Phone));
    }

    private static ProblemHttpResult RoomNotFound() =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.RoomNotFound, "No such room.");

    private static string Location(long roomId) => "/api/rooms/" + roomId.ToString(CultureInfo.InvariantCulture);
}
