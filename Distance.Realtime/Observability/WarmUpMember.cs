namespace Distance.Realtime.Observability;

/// <summary>
/// Member ids for warm-up steps that act as a member: ids of members count up from 1, so a negative
/// one is nobody's; new each time, so no rate limit, quota or presence entry is shared with another.
/// </summary>
public static class WarmUpMember
{
    public static long NewId() => -Random.Shared.NextInt64(1, long.MaxValue);
}
