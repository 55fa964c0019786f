using Distance.Data.Messages;

namespace Distance.Realtime.Chat;

/// <summary>A chat message as clients see it (docs/api.md).</summary>
public sealed record ChatMessage(
    long RoomId, long Seq, long? SenderId, string Kind, string Text, DateTime SentAt, string? ClientMessageId)
{
    public static ChatMessage From(MessageRow row) => new(
        row.RoomId, row.Seq, row.SenderId, row.Kind, row.Text, row.SentAt, row.ClientMessageId?.ToString("D"));
}

/// <summary>The argument of <c>SendMessage</c>; everything is checked by the hub, so all of it may be missing.</summary>
public sealed record SendMessageRequest(long RoomId, string? ClientMessageId, string? Text);

/// <summary>The answer to <c>SendMessage</c>, given only once the message is durable.</summary>
public sealed record MessageAck(long RoomId, long Seq, DateTime SentAt);
