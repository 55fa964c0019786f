using System.Runtime.Serialization;

namespace Distance.Contracts;

/// <summary>A chat message: the payload of MessageReceived, SyncRoom and the messages route.</summary>
/// <remarks><see cref="Kind"/> is "text" or "system"; a system message has no sender.</remarks>
[DataContract]
public sealed record ChatMessage(
    [property: DataMember(Name = "roomId")] long RoomId,
    [property: DataMember(Name = "seq")] long Seq,
    [property: DataMember(Name = "senderId")] long? SenderId,
    [property: DataMember(Name = "kind")] string Kind,
    [property: DataMember(Name = "text")] string Text,
    [property: DataMember(Name = "sentAt")] DateTime SentAt,
    [property: DataMember(Name = "clientMessageId")] string? ClientMessageId);

/// <summary>The argument of SendMessage. The server checks everything, so every field may be missing.</summary>
[DataContract]
public sealed record SendMessageRequest(
    [property: DataMember(Name = "roomId")] long RoomId,
    [property: DataMember(Name = "clientMessageId")] string? ClientMessageId,
    [property: DataMember(Name = "text")] string? Text);

/// <summary>The answer to SendMessage, given once the message is durable.</summary>
[DataContract]
public sealed record MessageAck(
    [property: DataMember(Name = "roomId")] long RoomId,
    [property: DataMember(Name = "seq")] long Seq,
    [property: DataMember(Name = "sentAt")] DateTime SentAt);

/// <summary>The names of /hubs/chat's methods and events, as the contract spells them.</summary>
public static class ChatHubNames
{
    public const string Path = "/hubs/chat";

    // Client → server
    public const string SendMessage = "SendMessage";
    public const string MarkRead = "MarkRead";
    public const string SyncRoom = "SyncRoom";

    // Server → client
    public const string MessageReceived = "MessageReceived";
    public const string MessagesRead = "MessagesRead";
    public const string RoomUpdated = "RoomUpdated";
    public const string RequestReceived = "RequestReceived";
    public const string PhoneShared = "PhoneShared";

    /// <summary>SyncRoom's page size: a shorter page is the last one.</summary>
    public const int SyncPageSize = 200;
}
