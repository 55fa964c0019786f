namespace Distance.Drills;

// The hub payloads of docs/api.md ("Realtime hub"), as a client sees them.

public sealed record SendMessageRequest(long RoomId, string ClientMessageId, string Text);

public sealed record MessageAck(long RoomId, long Seq, DateTime SentAt);

public sealed record ChatMessage(long RoomId, long Seq, long? SenderId, string Kind, string Text, DateTime SentAt, string? ClientMessageId);
