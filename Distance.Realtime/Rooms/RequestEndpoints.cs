using System.Globalization;
using System.Security.Claims;
using Distance.Data.Rooms;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Rooms;

/// <summary>/api/requests: the caller's inbox of room requests. Only the receiver sees, accepts or declines one.</summary>
internal static class RequestEndpoints
{
    public static RouteGroupBuilder MapRequestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/requests").RequireAuthorization().WithTags("Rooms");
        group.MapGet("", ListAsync);
        group.MapPost("/{requestId:long}/accept", AcceptAsync).RequireRateLimiting(RateLimitPolicies.Social);
        group.MapDelete("/{requestId:long}", DeclineAsync).RequireRateLimiting(RateLimitPolicies.Social);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<RoomRequestView>>> ListAsync(ClaimsPrincipal user, RoomViews views, CancellationToken cancellationToken) =>
        TypedResults.Ok(await views.IncomingAsync(user.MemberId(), cancellationToken));

    private static async Task<Results<Created<RoomResponse>, ProblemHttpResult>> AcceptAsync(
        long requestId, HttpContext http, RoomService rooms, CancellationToken cancellationToken)
    {
        var accepted = await rooms.AcceptAsync(http.User.MemberId(), requestId, cancellationToken);
        return accepted.Result.Outcome switch
        {
            CreateRoomOutcome.Created or CreateRoomOutcome.Existing when accepted.Room is not null =>
                TypedResults.Created("/api/rooms/" + accepted.Room.RoomId.ToString(CultureInfo.InvariantCulture), new RoomResponse(accepted.Room)),
            CreateRoomOutcome.CallerFull => Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.RoomLimitReached, "You have no free room; leave one first."),
            CreateRoomOutcome.OpponentFull => Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.RoomLimitReached, "The other member has no free room any more."),
            CreateRoomOutcome.PairLimitReached => RoomEndpoints.TooManyRooms(http, accepted.Result.RetryAfter),
            CreateRoomOutcome.MemberNotFound => RoomEndpoints.MemberNotFound(),
            _ => Problems.NotFound("No such request."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeclineAsync(
        long requestId, ClaimsPrincipal user, RoomRequestRepository requests, CancellationToken cancellationToken) =>
        await requests.DeclineAsync(requestId, user.MemberId(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("No such request.");
}
