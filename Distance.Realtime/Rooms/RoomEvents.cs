using Distance.Data.Rooms;

namespace Distance.Realtime.Rooms;

/// <summary>
/// "Member M joins (or leaves) room R", optionally with M's new view of the room.
/// </summary>
public sealed record RoomSignal(long MemberId, long RoomId, bool Join, RoomSummary? Summary);

/// <summary>
/// What a committed room change must tell the live side: the room's cached access rule, the
/// members' connections (join or leave the room's group on every node) and the clients. Rooms sits
/// below Chat, so it states the need here and Chat, which owns the hub, implements it and registers
/// it at start-up; the dependency keeps pointing down.
/// </summary>
public interface IRoomEvents
{
    /// <summary>Records the room's state right after a committed change; null for a deleted room. Never throws.</summary>
    Task AccessChangedAsync(long roomId, RoomAccess? access);

    /// <summary>Moves the members' connections on every node into or out of the rooms. Never throws.</summary>
    Task MembershipChangedAsync(params RoomSignal[] signals);

    /// <summary>RequestReceived to every connection of the member.</summary>
    Task RequestReceivedAsync(long memberId, RoomRequestView request);

    /// <summary>MessageReceived to every connection of the members (not the room's group).</summary>
    Task MessageReceivedAsync(IReadOnlyList<long> memberIds, ChatMessage message);

    /// <summary>PhoneShared to every connection of the members.</summary>
    Task PhoneSharedAsync(IReadOnlyList<long> memberIds, long roomId);

    /// <summary>RoomUpdated to every connection of the member.</summary>
    Task RoomUpdatedAsync(long memberId, RoomSummary summary);
}
