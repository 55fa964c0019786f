using Distance.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Connections;

/// <summary>
/// The hubs' own Redis connection: one multiplexer for the node's one bus subscription and its
/// publishes. Apart from the node's multiplexer because that one fails commands at once while
/// Redis is unreachable (BacklogPolicy.FailFast); a broadcast should rather wait for the reconnect
/// than be lost. It follows a Sentinel promotion like the node's (SentinelFollower).
/// </summary>
internal sealed class ClusterBus(IOptions<RedisOptions> options, SentinelFollower follower) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> connection = new(async () =>
        follower.Follow(await ConnectionMultiplexer.ConnectAsync(RedisSetup.Configure(options.Value)), "backplane"));

    /// <summary>The channel of one hub, inside the deployment's key prefix.</summary>
    public RedisChannel ChannelOf(string hub) => RedisChannel.Literal(options.Value.KeyPrefix + "signalr:bus:" + hub);

    public async Task<ISubscriber> SubscriberAsync() => (await connection.Value).GetSubscriber();

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated)
            await (await connection.Value).DisposeAsync();
    }
}
