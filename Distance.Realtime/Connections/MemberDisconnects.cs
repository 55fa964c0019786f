using System.Globalization;
using Distance.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Connections;

/// <summary>
/// Closes every live connection of a member on every node: the request goes out on a Redis
/// channel, and each node aborts the sockets it holds. Used for deletion, deactivation and revocation.
/// </summary>
public sealed partial class MemberDisconnects(
    IConnectionMultiplexer redis, IOptions<RedisOptions> options, LiveConnections connections, ILogger<MemberDisconnects> logger)
    : IHostedService
{
    private RedisChannel Channel => RedisChannel.Literal(options.Value.KeyPrefix + "members:disconnect");

    public async Task DisconnectEverywhereAsync(long memberId)
    {
        // Close local sockets at once; the broadcast reaches the other nodes (and this one, harmlessly).
        connections.AbortAll(memberId);
        await redis.GetSubscriber().PublishAsync(Channel, memberId.ToString(CultureInfo.InvariantCulture));
    }

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) =>
        {
            if (long.TryParse(value.ToString(), CultureInfo.InvariantCulture, out var memberId))
            {
                var closed = connections.AbortAll(memberId);
                if (closed > 0)
                    LogClosed(closed, memberId);
            }
        });

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await redis.GetSubscriber().UnsubscribeAsync(Channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connections of member {MemberId}")]
    private partial void LogClosed(int count, long memberId);
}
