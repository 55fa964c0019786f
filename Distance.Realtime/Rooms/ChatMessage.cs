using Distance.Data.Messages;

namespace Distance.Realtime.Rooms;

/// <summary>How a stored message becomes the contract's <see cref="ChatMessage"/> (Distance.Contracts).</summary>
public static class ChatMessageMapping
{
    extension(ChatMessage)
    {
        public static ChatMessage From(MessageRow row) => new(
            row.RoomId, row.Seq, row.SenderId, row.Kind, row.Text, row.SentAt, row.ClientMessageId?.ToString("D"));
    }
}
