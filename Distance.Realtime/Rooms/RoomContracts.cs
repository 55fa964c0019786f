using Distance.Realtime.Chat;
using Distance.Realtime.Members;

namespace Distance.Realtime.Rooms;

/// <summary>An item of GET /api/rooms and the payload of RoomUpdated; the opponent is null once deleted.</summary>
public sealed record RoomSummary(
    long RoomId, string Status, PublicProfile? Opponent, ChatMessage? LastMessage, long LastSeq, long UnreadCount,
    int Exchanges, bool PhoneShared, DateTime CreatedAt);

/// <summary>A waiting room request, as the receiver's inbox and RequestReceived show it.</summary>
public sealed record RoomRequestView(long RequestId, PublicProfile From, DateTime CreatedAt);

public sealed record CreateRoomBody(long? MemberId);

public sealed record ReadBody(long? Seq);

public sealed record RoomResponse(RoomSummary Room);

public sealed record RequestResponse(RoomRequestView Request);

public sealed record MessagesPage(IReadOnlyList<ChatMessage> Messages);

public sealed record PhoneSharedResponse(bool PhoneShared);

public sealed record PhoneResponse(string Phone);
