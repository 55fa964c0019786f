using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Rooms;

/// <summary>Limits on room lists (section "Rooms"; issue #21: open-and-leave loops cannot flood a member's list).</summary>
public sealed class RoomsOptions
{
    public const string Section = "Rooms";

    /// <summary>New rooms one pair may open within 24 hours (429 too_many_rooms beyond).</summary>
    [Range(1, 100)]
    public int RoomsPerPairPerDay { get; set; } = 3;

    /// <summary>Inactive rooms kept in a member's list; beyond it the oldest inactive ones are left (and so deleted).</summary>
    [Range(1, 1000)]
    public int KeptInactiveRooms { get; set; } = 20;

    /// <summary>GET /api/rooms page size without ?limit=.</summary>
    [Range(1, 200)]
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Largest ?limit= of GET /api/rooms.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;
}
