using System.Text.Json;
using Distance.Realtime.Connections;
using Distance.Realtime.Observability;
using Distance.Realtime.Redis;
using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>
/// Moves every connection of a member, on every node, into or out of a room's group when the room
/// is created, left or deleted. A group add only works on the node that holds the connection, so
/// the signal goes out on a Redis channel and each node applies it to its own connections
/// (<see cref="LiveConnections"/>); then it sends RoomUpdated to those connections itself, so a
/// client that sees RoomUpdated for a new room is already in its group (it SyncRooms to catch up
/// on anything sent before). Signals are handled one at a time, in order, on each node.
/// </summary>
public sealed partial class RoomSignals(
    IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, LiveConnections connections,
    IHubContext<ChatHub, IChatClient> hub, DistanceMetrics metrics, ILogger<RoomSignals> logger) : IHostedService
{
    private static readonly TimeSpan GroupOperationTimeout = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private ChannelMessageQueue? subscription;

    private RedisChannel Channel => RedisChannel.Literal(redisOptions.Value.KeyPrefix + "chat:room-signals");

    /// <summary>Publishes the signals; a failure is logged and counted, not thrown: the change is committed, clients resync on reconnect.</summary>
    public async Task PublishAsync(params RoomSignal[] signals)
    {
        try
        {
            var subscriber = redis.GetSubscriber();
            await Task.WhenAll(signals.Select(s => subscriber.PublishAsync(Channel, JsonSerializer.Serialize(s, Json))));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            metrics.BackplanePublishFailures.Add(signals.Length);
            LogPublishFailed(exception, signals.Length);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = await redis.GetSubscriber().SubscribeAsync(Channel);
        subscription.OnMessage(HandleAsync);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (subscription is not null)
            await subscription.UnsubscribeAsync();
    }

    private async Task HandleAsync(ChannelMessage message)
    {
        RoomSignal? signal;
        try
        {
            signal = JsonSerializer.Deserialize<RoomSignal>(message.Message.ToString(), Json);
        }
        catch (JsonException exception)
        {
            LogHandleFailed(exception);
            return;
        }
        if (signal is null)
            return;
        var group = RoomGroups.Of(signal.RoomId);
        foreach (var connectionId in connections.ConnectionIdsOf(signal.MemberId))
        {
            try
            {
                // Bounded: a connection that closed a moment ago is no longer local, and SignalR
                // would then ask the other nodes and wait for an answer that never comes.
                var change = signal.Join
                    ? hub.Groups.AddToGroupAsync(connectionId, group)
                    : hub.Groups.RemoveFromGroupAsync(connectionId, group);
                await change.WaitAsync(GroupOperationTimeout);
                if (signal.Summary is not null)
                    await hub.Clients.Client(connectionId).RoomUpdated(signal.Summary).WaitAsync(GroupOperationTimeout);
            }
            catch (Exception exception)
            {
                LogHandleFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} room signals")]
    private partial void LogPublishFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply a room signal to this node's connections")]
    private partial void LogHandleFailed(Exception exception);
}
