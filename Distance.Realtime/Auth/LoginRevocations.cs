using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Auth;

/// <summary>
/// Access tokens are stateless, so a revoked login is remembered in Redis for as long as any of
/// its access tokens could still be valid; every node checks it on each authenticated request.
/// </summary>
public sealed class LoginRevocations(IDatabase redis, IOptions<JwtOptions> options)
{
    private static RedisKey Key(long loginId) => $"auth:revoked-login:{loginId}";

    public async Task RevokeAsync(IEnumerable<long> loginIds)
    {
        var ttl = options.Value.AccessTokenLifetime + TimeSpan.FromMinutes(1);
        var writes = loginIds.Select(id => redis.StringSetAsync(Key(id), 1, ttl));
        await Task.WhenAll(writes);
    }

    public async Task<bool> IsRevokedAsync(long loginId) => await redis.KeyExistsAsync(Key(loginId));
}
