using Distance.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

/// <summary>
/// Access tokens are stateless, so a revoked login is remembered in Redis for as long as any of
/// its access tokens could still be valid; every node checks it on each authenticated request.
/// </summary>
public sealed class LoginRevocations(IDatabase redis, ReplicatedWrites replicated, IOptions<JwtOptions> options)
{
    private static RedisKey Key(long loginId) => $"auth:revoked-login:{loginId}";

    /// <summary>
    /// Remembers the logins as revoked. With sentinels this returns once a replica holds the
    /// revocation (or the wait timed out): a failover right after a logout must not bring its tokens back.
    /// </summary>
    public async Task RevokeAsync(IEnumerable<long> loginIds)
    {
        var ttl = options.Value.AccessTokenLifetime + TimeSpan.FromMinutes(1);
        var ids = loginIds.ToList();
        await replicated.WriteAsync(database => Task.WhenAll(ids.Select(id => database.StringSetAsync(Key(id), 1, ttl))), "A login revocation");
    }

    /// <summary>
    /// Whether the login was revoked. While Redis is disconnected this throws at once instead of
    /// waiting out the client's timeout in its backlog: every authenticated request asks, so
    /// waiting would pile requests up on the node during an outage.
    /// </summary>
    /// <exception cref="RedisConnectionException">Redis is not connected.</exception>
    public async Task<bool> IsRevokedAsync(long loginId)
    {
        if (!redis.Multiplexer.CanWrite())
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                "Redis is not connected; revocations cannot be checked.", null, CommandStatus.WaitingToBeSent);
        return await redis.KeyExistsAsync(Key(loginId));
    }
}
