using StackExchange.Redis;

namespace Distance.Realtime.Redis;

internal static class RedisWrites
{
    /// <summary>
    /// Whether a write would reach a connected primary now: the check the hot paths make before
    /// calling Redis, so they answer "unavailable" at once instead of waiting in the client's
    /// backlog. <c>IsConnected</c> alone stays true while only a replica answers (the seconds of a
    /// Sentinel failover after the primary died), which let sends wait seconds for a dead primary.
    /// </summary>
    public static bool CanWrite(this IConnectionMultiplexer redis) =>
        redis.GetDatabase().IsConnected(default, CommandFlags.DemandMaster);
}
