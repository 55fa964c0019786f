using Distance.Realtime.Rooms;

namespace Distance.Realtime.Chat;

/// <summary>Server → client methods of /hubs/chat, as named in the contract.</summary>
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);
    Task MessagesRead(long roomId, long memberId, long seq);
    Task RoomUpdated(RoomSummary roomSummary);
    Task RequestReceived(RoomRequestView request);
    Task PhoneShared(long roomId);
}
