using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Observability;

/// <summary>
/// The mark of a hub connection a warm-up step opened inside the process (a connection feature, so no
/// client can claim it): what it does is not a member's traffic, so it is not measured.
/// </summary>
public sealed class WarmUpConnection
{
    public static readonly WarmUpConnection Instance = new();

    private WarmUpConnection()
    {
    }

    public static bool Is(HubCallerContext context) => context.Features.Get<WarmUpConnection>() is not null;
}
