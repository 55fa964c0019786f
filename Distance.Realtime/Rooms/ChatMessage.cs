using Distance.Data.Messages;

namespace Distance.Realtime.Rooms;

/// <summary>A chat message as clients see it (docs/api.md).</summary>
public sealed record ChatMessage(
    long RoomId, long Seq, long? SenderId, string Kind, string Text, DateTime SentAt, string? ClientMessageId)
{
    public static ChatMessage From(MessageRow row) => new(
        row.RoomId, row.Seq, row.SenderId, row.Kind, row.Text, row.SentAt, row.ClientMessageId?.ToString("D"));
}
