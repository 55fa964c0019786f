using System.Globalization;
using Distance.Realtime.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Connections;

/// <summary>
/// Closes live hub connections on every node: the request goes out on a Redis channel, and the
/// node that holds a connection aborts it (pub/sub reaches every node within milliseconds, well
/// inside the contract's second). A member's every connection (deletion, deactivation, password
/// reset), one login's (logout, refresh-token reuse) or one connection (over the per-member cap).
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
        await PublishAsync("m:" + Id(memberId));
    }

    public async Task DisconnectLoginEverywhereAsync(long loginId)
    {
        connections.AbortLogin(loginId);
        await PublishAsync("l:" + Id(loginId));
    }

    public async Task DisconnectConnectionEverywhereAsync(long memberId, string connectionId)
    {
        if (!connections.AbortConnection(memberId, connectionId))
            await PublishAsync($"c:{Id(memberId)}:{connectionId}");
    }

    private Task PublishAsync(string message) => redis.GetSubscriber().PublishAsync(Channel, message);

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) => Handle(value.ToString()));

    private void Handle(string message)
    {
        var parts = message.Split(':', 3);
        if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return;
        switch (parts[0])
        {
            case "m" when connections.AbortAll(id) is var closed and > 0:
                LogClosed(closed, id);
                break;
            case "l" when connections.AbortLogin(id) is var closed and > 0:
                LogLoginClosed(closed, id);
                break;
            case "c" when parts.Length == 3:
                connections.AbortConnection(id, parts[2]);
                break;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await redis.GetSubscriber().UnsubscribeAsync(Channel);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connections of member {MemberId}")]
    private partial void LogClosed(int count, long memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connections of login {LoginId}")]
    private partial void LogLoginClosed(int count, long loginId);
}
