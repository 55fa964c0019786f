using System.Globalization;
using System.Security.Claims;
using Distance.Realtime.Claims;

namespace Distance.Realtime.Observability;

/// <summary>
/// Member ids for warm-up steps that act as a member: ids of members count up from 1, so a negative
/// one is nobody's; new each time, so no rate limit, quota or presence entry is shared with another.
/// Only the node's own signing key can put one in a token, so a request that carries one is the
/// warm-up's, whichever way it arrived (in-process or over a loopback socket).
/// </summary>
public static class WarmUpMember
{
    public static long NewId() => -Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>True for a principal the warm-up signed in.</summary>
    public static bool Is(ClaimsPrincipal? user) =>
        long.TryParse(user?.FindFirstValue(MemberClaims.MemberIdClaim), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id < 0;
}
