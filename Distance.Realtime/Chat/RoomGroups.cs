using System.Globalization;

namespace Distance.Realtime.Chat;

/// <summary>The one place SignalR group names are made: every connection of a room's members is in its group.</summary>
public static class RoomGroups
{
    public static string Of(long roomId) => "room:" + roomId.ToString(CultureInfo.InvariantCulture);
}
