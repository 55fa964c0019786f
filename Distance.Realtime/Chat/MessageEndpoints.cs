using System.Security.Claims;
using Distance.Data.Messages;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Chat;

/// <summary>A room's messages over HTTP: history pages and the read marker. Anyone not in the room gets 404.</summary>
internal static class MessageEndpoints
{
    private const int DefaultPageSize = 50;

    public static RouteGroupBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rooms").RequireAuthorization().WithTags("Rooms");
        group.MapGet("/{roomId:long}/messages", MessagesAsync);
        group.MapPost("/{roomId:long}/read", ReadAsync);
        return group;
    }

    private static async Task<Results<Ok<MessagesPage>, ValidationProblem, ProblemHttpResult>> MessagesAsync(
        long roomId, long? afterSeq, long? beforeSeq, int? limit, ClaimsPrincipal user,
        RoomDirectory directory, MessageRepository messages, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > ChatCommands.SyncPageSize)
            errors["limit"] = [$"limit is 1–{ChatCommands.SyncPageSize}."];
        if (afterSeq < 0)
            errors["afterSeq"] = ["afterSeq cannot be negative."];
        if (beforeSeq < 0)
            errors["beforeSeq"] = ["beforeSeq cannot be negative."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (!await IsMemberAsync(directory, roomId, user.MemberId(), cancellationToken))
            return RoomNotFound();

        var pageSize = limit ?? DefaultPageSize;
        var rows = afterSeq is { } after
            ? await messages.AfterAsync(roomId, after, beforeSeq, pageSize, cancellationToken)
            : await messages.NewestAsync(roomId, beforeSeq, pageSize, cancellationToken);
        return TypedResults.Ok(new MessagesPage(rows.Select(ChatMessage.From).ToList()));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReadAsync(
        long roomId, ReadBody body, ClaimsPrincipal user, RoomDirectory directory, ChatCommands chat, CancellationToken cancellationToken)
    {
        if (body.Seq is not { } seq || seq < 0)
            return Problems.Validation("seq", "seq must be a number ≥ 0.");
        var memberId = user.MemberId();
        var access = roomId > 0 ? await directory.FindAsync(roomId, cancellationToken) : null;
        if (access is null || !access.IsMember(memberId) || !await chat.MarkReadAsync(access, memberId, seq, cancellationToken))
            return RoomNotFound();
        return TypedResults.NoContent();
    }

    private static async Task<bool> IsMemberAsync(RoomDirectory directory, long roomId, long memberId, CancellationToken cancellationToken) =>
        roomId > 0 && await directory.FindAsync(roomId, cancellationToken) is { } access && access.IsMember(memberId);

    private static ProblemHttpResult RoomNotFound() =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.RoomNotFound, "No such room.");
}
