using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Rooms;

/// <summary>Room rules. Read from the "Chat" section, where deployments already set them (docs/chat.md).</summary>
public sealed class RoomsOptions
{
    public const string Section = "Chat";

    /// <summary>Exchanges a room needs before its members may consent to share phone numbers.</summary>
    [Range(0, 1000)]
    public int PhoneConsentMinimumExchanges { get; set; } = 10;
}
