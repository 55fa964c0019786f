using System.Runtime.Serialization;

namespace Distance.Contracts;

/// <summary>An item of GET /api/rooms and the payload of RoomUpdated; the opponent is null once deleted.</summary>
/// <remarks><see cref="Status"/> is "active" or "inactive".</remarks>
[DataContract]
public sealed record RoomSummary(
    [property: DataMember(Name = "roomId")] long RoomId,
    [property: DataMember(Name = "status")] string Status,
    [property: DataMember(Name = "opponent")] PublicProfile? Opponent,
    [property: DataMember(Name = "lastMessage")] ChatMessage? LastMessage,
    [property: DataMember(Name = "lastSeq")] long LastSeq,
    [property: DataMember(Name = "unreadCount")] long UnreadCount,
    [property: DataMember(Name = "exchanges")] int Exchanges,
    [property: DataMember(Name = "phoneShared")] bool PhoneShared,
    [property: DataMember(Name = "createdAt")] DateTime CreatedAt);

/// <summary>A waiting room request, as GET /api/requests and RequestReceived show it.</summary>
[DataContract]
public sealed record RoomRequestView(
    [property: DataMember(Name = "requestId")] long RequestId,
    [property: DataMember(Name = "from")] PublicProfile From,
    [property: DataMember(Name = "createdAt")] DateTime CreatedAt);

/// <summary>POST /api/rooms.</summary>
[DataContract]
public sealed record CreateRoomBody([property: DataMember(Name = "memberId")] long? MemberId);

/// <summary>POST /api/rooms/{id}/read.</summary>
[DataContract]
public sealed record ReadBody([property: DataMember(Name = "seq")] long? Seq);

[DataContract]
public sealed record RoomResponse([property: DataMember(Name = "room")] RoomSummary Room);

[DataContract]
public sealed record RequestResponse([property: DataMember(Name = "request")] RoomRequestView Request);

[DataContract]
public sealed record MessagesPage([property: DataMember(Name = "messages")] IReadOnlyList<ChatMessage> Messages);

[DataContract]
public sealed record PhoneSharedResponse([property: DataMember(Name = "phoneShared")] bool PhoneShared);

[DataContract]
public sealed record PhoneResponse([property: DataMember(Name = "phone")] string Phone);
