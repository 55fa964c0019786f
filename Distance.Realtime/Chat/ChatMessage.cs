namespace Distance.Realtime.Chat;

/// <summary>The argument of <c>SendMessage</c>; everything is checked by the hub, so all of it may be missing.</summary>
public sealed record SendMessageRequest(long RoomId, string? ClientMessageId, string? Text);

/// <summary>The answer to <c>SendMessage</c>, given only once the message is durable.</summary>
public sealed record MessageAck(long RoomId, long Seq, DateTime SentAt);
