using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// The tests' Redis under a key prefix of its own, for a class under test that takes an
/// <see cref="IDatabase"/>; disposing it deletes every key written under the prefix.
/// </summary>
public sealed class PrefixedRedis : IAsyncDisposable
{
    private readonly ConnectionMultiplexer redis;
    private readonly string prefix;

    private PrefixedRedis(ConnectionMultiplexer redis, string prefix) => (this.redis, this.prefix) = (redis, prefix);

    public static async Task<PrefixedRedis> ConnectAsync(string name) =>
        new(await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConnection), name + "-" + Guid.NewGuid().ToString("N")[..8] + ":");

    public IDatabase Keys => redis.GetDatabase().WithKeyPrefix(prefix);

    public async ValueTask DisposeAsync()
    {
        await TestServices.DeleteKeysAsync(prefix);
        await redis.DisposeAsync();
    }
}
