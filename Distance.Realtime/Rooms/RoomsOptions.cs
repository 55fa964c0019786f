using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Rooms;

/// <summary>Room rules. Read from the "Chat" section, where deployments already set them (docs/chat.md).</summary>
public sealed class RoomsOptions
{
    public const string Section = "Chat";

    /// <summary>Exchanges a room needs before its members may consent to share phone numbers.</summary>
    [Range(0, 1000)]
    public int PhoneConsentMinimumExchanges { get; set; } = 10;

    /// <summary>New rooms one pair may open within 24 hours (429 too_many_rooms beyond; issue #21).</summary>
    [Range(1, 100)]
    public int RoomsPerPairPerDay { get; set; } = 3;

    /// <summary>Inactive rooms kept in a member's list; beyond it the oldest inactive ones are left (and so deleted).</summary>
    [Range(1, 1000)]
    public int KeptInactiveRooms { get; set; } = 20;

    /// <summary>GET /api/rooms page size without ?limit=.</summary>
    [Range(1, 200)]
    public int RoomListPageSize { get; set; } = 50;

    /// <summary>Largest ?limit= of GET /api/rooms.</summary>
    [Range(1, 1000)]
    public int RoomListMaxPageSize { get; set; } = 100;
}
