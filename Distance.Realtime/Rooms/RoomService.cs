using System.Globalization;
using Distance.Data.Members;
using Distance.Data.Rooms;
using Distance.Data.Safety;
using Distance.Realtime.Chat;
using Distance.Realtime.Safety;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Rooms;

/// <summary>
/// Room changes and what they tell the members: each change is committed first, then the room's
/// cached access rule in Redis is rewritten, then connections join or leave the room's group on
/// every node (RoomSignals) and the members get RoomUpdated, RequestReceived or PhoneShared.
/// </summary>
public sealed partial class RoomService(
    RoomCreationRepository creation, RoomLeaveRepository leaving, PhoneConsentRepository phones,
    PublicProfileRepository profiles, RoomViews views, RoomDirectory directory, RoomSignals signals,
    IHubContext<ChatHub, IChatClient> hub, IOptions<ChatOptions> options, IOptions<RoomsOptions> limits, TimeProvider clock,
    ILogger<RoomService> logger)
{
    public sealed record Created(CreateRoomResult Result, RoomSummary? Room = null, RoomRequestView? Request = null);

    /// <summary>POST /api/rooms: a new or existing room for the caller, or a request in the opponent's inbox.</summary>
    public async Task<Created> CreateAsync(long callerId, long opponentId, CancellationToken cancellationToken)
    {
        var result = await creation.CreateOrRequestAsync(callerId, opponentId, limits.Value.RoomsPerPairPerDay, cancellationToken);
        switch (result.Outcome)
        {
            case CreateRoomOutcome.Created:
                return new Created(result, await AnnounceNewRoomAsync(result.RoomId, callerId, opponentId, cancellationToken));
            case CreateRoomOutcome.Existing:
                return new Created(result, await views.FindAsync(callerId, result.RoomId, cancellationToken));
            case CreateRoomOutcome.Requested:
                var request = await views.RequestAsync(result.RequestId, cancellationToken);
                if (result.NewRequest && request is not null)
                    await BestEffortAsync(() => hub.Clients.User(Id(opponentId)).RequestReceived(request));
                return new Created(result, Request: request);
            default:
                return new Created(result);
        }
    }

    /// <summary>Accepting a request opens the room (capacity is checked again).</summary>
    public async Task<Created> AcceptAsync(long memberId, long requestId, CancellationToken cancellationToken)
    {
        var result = await creation.AcceptAsync(memberId, requestId, limits.Value.RoomsPerPairPerDay, cancellationToken);
        return result.Outcome switch
        {
            CreateRoomOutcome.Created => new Created(result, await AnnounceNewRoomAsync(result.RoomId, memberId, result.OpponentId, cancellationToken)),
            CreateRoomOutcome.Existing => new Created(result, await views.FindAsync(memberId, result.RoomId, cancellationToken)),
            _ => new Created(result),
        };
    }

    public async Task<LeaveOutcome> LeaveAsync(long memberId, long roomId, CancellationToken cancellationToken)
    {
        var result = await leaving.LeaveAsync(roomId, memberId, await LeftTextAsync(memberId, cancellationToken), Millis(), cancellationToken);
        await AnnounceLeaveAsync(memberId, roomId, result, cancellationToken);
        return result.Outcome;
    }

    /// <summary>Rooms a block or report closed as if the blocker had left (Safety raises it after its commit).</summary>
    public async Task OnRoomsLeftAsync(RoomsLeft change, CancellationToken cancellationToken)
    {
        foreach (var room in change.Rooms)
            await AnnounceLeaveAsync(change.LeaverId, room.RoomId, room.Result, cancellationToken);
    }

    /// <summary>
    /// A suspended or banned member's active rooms went inactive with both members still in them:
    /// nobody can send there any more, both members' connections leave the room's group, and both
    /// get RoomUpdated (the suspended member's are closed anyway).
    /// </summary>
    public async Task OnRoomsSuspendedAsync(RoomsSuspended change, CancellationToken cancellationToken)
    {
        foreach (var room in change.Rooms)
        {
            await directory.PublishAsync(room.RoomId, new RoomAccess(room.RoomId, false, [change.MemberId, room.OpponentId]));
            await signals.PublishAsync(
                new RoomSignal(change.MemberId, room.RoomId, false, await views.FindAsync(change.MemberId, room.RoomId, cancellationToken)),
                new RoomSignal(room.OpponentId, room.RoomId, false, await views.FindAsync(room.OpponentId, room.RoomId, cancellationToken)));
            await TrimInactiveAsync(room.OpponentId, cancellationToken);
        }
    }

    private async Task AnnounceLeaveAsync(long memberId, long roomId, LeaveResult result, CancellationToken cancellationToken)
    {
        if (result.Outcome == LeaveOutcome.Deleted)
        {
            await directory.PublishAsync(roomId, null);
            await signals.PublishAsync(new RoomSignal(memberId, roomId, Join: false, Summary: null));
        }
        else if (result is { Outcome: LeaveOutcome.Left, OpponentId: { } opponentId, SystemMessage: { } system })
        {
            await directory.PublishAsync(roomId, new RoomAccess(roomId, false, [opponentId]));
            // To the users, not the group: the group is being dissolved at the same moment.
            await BestEffortAsync(() => hub.Clients.Users([Id(memberId), Id(opponentId)]).MessageReceived(ChatMessage.From(system)));
            await signals.PublishAsync(
                new RoomSignal(memberId, roomId, false, await views.FindAsync(memberId, roomId, includeLeft: true, cancellationToken)),
                new RoomSignal(opponentId, roomId, false, await views.FindAsync(opponentId, roomId, cancellationToken)));
            await TrimInactiveAsync(opponentId, cancellationToken);
        }
    }

    /// <summary>The member keeps at most KeptInactiveRooms inactive rooms; older ones are left (issue #21).</summary>
    private async Task TrimInactiveAsync(long memberId, CancellationToken cancellationToken)
    {
        var trimmed = await leaving.TrimInactiveAsync(
            memberId, limits.Value.KeptInactiveRooms, await LeftTextAsync(memberId, cancellationToken), Millis(), cancellationToken);
        foreach (var (roomId, result) in trimmed)
        {
            // The other member is still in a room a suspension made inactive: they see the leave; else the room is gone.
            if (result is { Outcome: LeaveOutcome.Left, OpponentId: { } opponentId, SystemMessage: { } system })
            {
                await directory.PublishAsync(roomId, new RoomAccess(roomId, false, [opponentId]));
                await BestEffortAsync(() => hub.Clients.User(Id(opponentId)).MessageReceived(ChatMessage.From(system)));
                await signals.PublishAsync(new RoomSignal(opponentId, roomId, false, await views.FindAsync(opponentId, roomId, cancellationToken)));
            }
            else
            {
                await directory.PublishAsync(roomId, null);
            }
        }
    }

    private async Task<string> LeftTextAsync(long memberId, CancellationToken cancellationToken)
    {
        var me = await profiles.FindAsync(memberId, cancellationToken);
        return $"{me?.Nickname ?? "#" + Id(memberId)} left";
    }

    private DateTime Millis()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    public async Task<ConsentResult> ConsentAsync(long memberId, long roomId, CancellationToken cancellationToken)
    {
        var result = await phones.ConsentAsync(roomId, memberId, options.Value.PhoneConsentMinimumExchanges, cancellationToken);
        if (result is { BecameShared: true, OpponentId: { } opponentId })
        {
            await BestEffortAsync(() => hub.Clients.Users([Id(memberId), Id(opponentId)]).PhoneShared(roomId));
            foreach (var member in new[] { memberId, opponentId })
                if (await views.FindAsync(member, roomId, cancellationToken) is { } summary)
                    await BestEffortAsync(() => hub.Clients.User(Id(member)).RoomUpdated(summary));
        }
        return result;
    }

    private async Task<RoomSummary?> AnnounceNewRoomAsync(long roomId, long callerId, long opponentId, CancellationToken cancellationToken)
    {
        await directory.PublishAsync(roomId, new RoomAccess(roomId, true, [callerId, opponentId]));
        var mine = await views.FindAsync(callerId, roomId, cancellationToken);
        var theirs = await views.FindAsync(opponentId, roomId, cancellationToken);
        await signals.PublishAsync(new RoomSignal(callerId, roomId, true, mine), new RoomSignal(opponentId, roomId, true, theirs));
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

    private static string Id(long memberId) => memberId.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A room notification could not be sent")]
    private partial void LogNotifyFailed(Exception exception);
}
