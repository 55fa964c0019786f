using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Observability;

/// <summary>
/// Whether a hub connection is one a warm-up step opened (its member is a <see cref="WarmUpMember"/>):
/// what it does is not a member's traffic, so it is not measured.
/// </summary>
public static class WarmUpConnection
{
    public static bool Is(HubCallerContext context) => WarmUpMember.Is(context.User);
}
