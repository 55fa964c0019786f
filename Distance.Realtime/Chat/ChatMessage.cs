namespace Distance.Realtime.Chat;

/// <summary>A chat message as clients see it (CONTRACT.md).</summary>
public sealed record ChatMessage(
    long RoomId, long Seq, long? SenderId, string Kind, string Text, DateTime SentAt, string? ClientMessageId);
