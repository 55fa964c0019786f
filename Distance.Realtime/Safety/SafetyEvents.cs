using Distance.Data.Safety;

namespace Distance.Realtime.Safety;

/// <summary>Rooms a block closed as if <paramref name="LeaverId"/> had left them.</summary>
public sealed record RoomsLeft(long LeaverId, IReadOnlyList<ClosedRoom> Rooms);

/// <summary>Rooms that turned inactive because <paramref name="MemberId"/> was suspended or banned (the member stays in them).</summary>
public sealed record RoomsSuspended(long MemberId, IReadOnlyList<SuspendedRoom> Rooms);

/// <summary>
/// How Safety tells the features above it (rooms, chat) what a block, report, suspension or ban did
/// to rooms, without depending on them: they subscribe at start-up (Rooms does, in MapRooms) and
/// Safety raises the event after its transaction has committed. Handlers are best-effort
/// announcements; the committed change already holds whatever they do.
/// </summary>
public sealed class SafetyEvents
{
    private readonly List<Func<RoomsLeft, CancellationToken, Task>> roomsLeft = [];
    private readonly List<Func<RoomsSuspended, CancellationToken, Task>> roomsSuspended = [];

    public void OnRoomsLeft(Func<RoomsLeft, CancellationToken, Task> handler) => roomsLeft.Add(handler);

    public void OnRoomsSuspended(Func<RoomsSuspended, CancellationToken, Task> handler) => roomsSuspended.Add(handler);

    internal async Task RaiseAsync(RoomsLeft change, CancellationToken cancellationToken)
    {
        if (change.Rooms.Count == 0)
            return;
        foreach (var handler in roomsLeft)
            await handler(change, cancellationToken);
    }

    internal async Task RaiseAsync(RoomsSuspended change, CancellationToken cancellationToken)
    {
        if (change.Rooms.Count == 0)
            return;
        foreach (var handler in roomsSuspended)
            await handler(change, cancellationToken);
    }
}
