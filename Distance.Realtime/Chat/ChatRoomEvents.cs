using System.Globalization;
using Distance.Data.Rooms;
using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>Rooms' changes reach the live side through the room cache, the room signals and the hub.</summary>
internal sealed class ChatRoomEvents(RoomDirectory directory, RoomSignals signals, IHubContext<ChatHub, IChatClient> hub) : IRoomEvents
{
    public Task AccessChangedAsync(long roomId, RoomAccess? access) => directory.PublishAsync(roomId, access);

    public Task MembershipChangedAsync(params RoomSignal[] roomSignals) => signals.PublishAsync(roomSignals);

    public Task RequestReceivedAsync(long memberId, RoomRequestView request) => hub.Clients.User(Id(memberId)).RequestReceived(request);

    public Task MessageReceivedAsync(IReadOnlyList<long> memberIds, ChatMessage message) =>
        hub.Clients.Users(memberIds.Select(Id).ToList()).MessageReceived(message);

    public Task PhoneSharedAsync(IReadOnlyList<long> memberIds, long roomId) => hub.Clients.Users(memberIds.Select(Id).ToList()).PhoneShared(roomId);

    public Task RoomUpdatedAsync(long memberId, RoomSummary summary) => hub.Clients.User(Id(memberId)).RoomUpdated(summary);

    private static string Id(long memberId) => memberId.ToString(CultureInfo.InvariantCulture);
}
