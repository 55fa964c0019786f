using System.Globalization;
using Distance.Data.Database;
using Distance.Data.Members;
using Distance.Data.Rooms;
using Distance.Realtime.Safety;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Rooms;

/// <summary>
/// Room changes and what they tell the members: each change is committed first, then the room's
/// cached access rule is rewritten, then connections join or leave the room's group on every node
/// and the members get RoomUpdated, RequestReceived or PhoneShared (all through <see cref="IRoomEvents"/>).
/// </summary>
public sealed partial class RoomService(
    RoomCreationRepository creation, RoomLeaveRepository leaving, PhoneConsentRepository phones,
    PublicProfileRepository profiles, RoomViews views, IRoomEvents events,
    IOptions<RoomsOptions> options, TimeProvider clock, ILogger<RoomService> logger)
{
    public sealed record Created(CreateRoomResult Result, RoomSummary? Room = null, RoomRequestView? Request = null);

    /// <summary>POST /api/rooms: a new or existing room for the caller, or a request in the opponent's inbox.</summary>
    public async Task<Created> CreateAsync(long callerId, long opponentId, CancellationToken cancellationToken)
    {
        var result = await creation.CreateOrRequestAsync(callerId, opponentId, options.Value.RoomsPerPairPerDay, cancellationToken);
        switch (result.Outcome)
        {
            case CreateRoomOutcome.Created:
                return new Created(result, await AnnounceNewRoomAsync(result.RoomId, callerId, opponentId, cancellationToken));
            case CreateRoomOutcome.Existing:
                return new Created(result, await views.FindAsync(callerId, result.RoomId, cancellationToken));
            case CreateRoomOutcome.Requested:
                var request = await views.RequestAsync(result.RequestId, cancellationToken);
                if (result.NewRequest && request is not null)
                    await BestEffortAsync(() => events.RequestReceivedAsync(opponentId, request));
                return new Created(result, Request: request);
            default:
                return new Created(result);
        }
    }

    /// <summary>Accepting a request opens the room (capacity is checked again).</summary>
    public async Task<Created> AcceptAsync(long memberId, long requestId, CancellationToken cancellationToken)
    {
        var result = await creation.AcceptAsync(memberId, requestId, options.Value.RoomsPerPairPerDay, cancellationToken);
        return result.Outcome switch
        {
            CreateRoomOutcome.Created => new Created(result, await AnnounceNewRoomAsync(result.RoomId, memberId, result.OpponentId, cancellationToken)),
            CreateRoomOutcome.Existing => new Created(result, await views.FindAsync(memberId, result.RoomId, cancellationToken)),
            _ => new Created(result),
        };
    }

    public async Task<LeaveOutcome> LeaveAsync(long memberId, long roomId, CancellationToken cancellationToken)
    {
        var result = await leaving.LeaveAsync(roomId, memberId, await LeftTextAsync(memberId, cancellationToken), StoredTime.Now(clock), cancellationToken);
        await AnnounceLeaveAsync(memberId, roomId, result, cancellationToken);
        return result.Outcome;
    }

    private async Task AnnounceLeaveAsync(long memberId, long roomId, LeaveResult result, CancellationToken cancellationToken)
    {
        if (result.Outcome == LeaveOutcome.Deleted)
        {
            await events.AccessChangedAsync(roomId, null);
            await events.MembershipChangedAsync(new RoomSignal(memberId, roomId, Join: false, Summary: null));
        }
        else if (result is { Outcome: LeaveOutcome.Left, OpponentId: { } opponentId, SystemMessage: { } system })
        {
            await events.AccessChangedAsync(roomId, new RoomAccess(roomId, false, [opponentId]));
            // To the users, not the group: the group is being dissolved at the same moment.
            await BestEffortAsync(() => events.MessageReceivedAsync([memberId, opponentId], ChatMessage.From(system)));
            await events.MembershipChangedAsync(
                new RoomSignal(memberId, roomId, false, await views.FindAsync(memberId, roomId, includeLeft: true, cancellationToken)),
                new RoomSignal(opponentId, roomId, false, await views.FindAsync(opponentId, roomId, cancellationToken)));
            await TrimInactiveAsync(opponentId, cancellationToken);
        }
    }

    public async Task<ConsentResult> ConsentAsync(long memberId, long roomId, CancellationToken cancellationToken)
    {
        var result = await phones.ConsentAsync(roomId, memberId, options.Value.PhoneConsentMinimumExchanges, cancellationToken);
        if (result is { BecameShared: true, OpponentId: { } opponentId })
        {
            await BestEffortAsync(() => events.PhoneSharedAsync([memberId, opponentId], roomId));
            foreach (var member in new[] { memberId, opponentId })
                if (await views.FindAsync(member, roomId, cancellationToken) is { } summary)
                    await BestEffortAsync(() => events.RoomUpdatedAsync(member, summary));
        }
        return result;
    }

    private async Task<RoomSummary?> AnnounceNewRoomAsync(long roomId, long callerId, long opponentId, CancellationToken cancellationToken)
    {
        await events.AccessChangedAsync(roomId, new RoomAccess(roomId, true, [callerId, opponentId]));
        var mine = await views.FindAsync(callerId, roomId, cancellationToken);
        var theirs = await views.FindAsync(opponentId, roomId, cancellationToken);
        await events.MembershipChangedAsync(new RoomSignal(callerId, roomId, true, mine), new RoomSignal(opponentId, roomId, true, theirs));
        return mine;
    }

    /// <summary>Notifications follow a committed change: if Redis is down they are lost (clients resync), the request still succeeds.</summary>
    private async Task BestEffortAsync(Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogNotifyFailed(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A room notification could not be sent")]
    private partial void LogNotifyFailed(Exception exception);
}
