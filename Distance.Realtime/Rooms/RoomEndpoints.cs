using System.Globalization;
using System.Security.Claims;
using Distance.Data.Rooms;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

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
        CreateRoomBody body, ClaimsPrincipal user, RoomService rooms, CancellationToken cancellationToken)
    {
        var callerId = user.MemberId();
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
            _ => Problems.NotFound("No such member."),
        };
    }

    private static async Task<Ok<IReadOnlyList<RoomSummary>>> ListAsync(ClaimsPrincipal user, RoomViews views, CancellationToken cancellationToken) =>
        TypedResults.Ok(await views.ListAsync(user.MemberId(), cancellationToken));

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
