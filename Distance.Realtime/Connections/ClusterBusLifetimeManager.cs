using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using StackExchange.Redis;

namespace Distance.Realtime.Connections;

/// <summary>
/// The hubs' backplane: one Redis channel per hub for the whole cluster, one subscription per
/// node. Every send is published once; every node reads every publish and writes it to its own
/// connections that match (by connection id, group or user). SignalR's Redis backplane instead
/// subscribes once per connection, per member and per group on each node: ~10 KB of heap per
/// held connection and three SUBSCRIBEs per connect (issue 20, docs/benchmarks.md "The storm
/// re-measured"). The price is that every node reads every send, which suits a handful of nodes
/// (docs/scaling.md); <c>Realtime:Backplane=SignalR</c> brings SignalR's back.
/// </summary>
/// <remarks>
/// Order: publishes of one node reach every node in the order they were made (one connection,
/// one channel, one reader per node), so a room's messages, sent in seq order, arrive in it.
/// A send to a connection on this node is written directly, as SignalR's backplane does.
/// </remarks>
internal sealed partial class ClusterBusLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly HubConnectionStore connections = new();
    private readonly ConcurrentDictionary<string, HubConnectionStore> groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionStore> users = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IHubProtocol> protocols;
    private readonly ClusterBus bus;
    private readonly RedisChannel channel;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private Task<ISubscriber>? subscription;

    public ClusterBusLifetimeManager(ClusterBus bus, IHubProtocolResolver resolver, ILogger<ClusterBusLifetimeManager<THub>> logger)
    {
        this.bus = bus;
        this.logger = logger;
        protocols = resolver.AllProtocols;
        channel = bus.ChannelOf(typeof(THub).Name);
    }

    /// <summary>
    /// The node's one subscription, made by the first connect or send. An attempt that failed
    /// (Redis unreachable past the operation timeout) is made again by the next caller, instead of
    /// failing every connect from then on; once made, StackExchange.Redis renews it after reconnects.
    /// </summary>
    private Task<ISubscriber> SubscribedAsync()
    {
        lock (gate)
        {
            if (subscription is null || subscription.IsFaulted || subscription.IsCanceled)
                subscription = SubscribeAsync();
            return subscription;
        }
    }

    private async Task<ISubscriber> SubscribeAsync()
    {
        var subscriber = await bus.SubscriberAsync();
        (await subscriber.SubscribeAsync(channel)).OnMessage(message => ReceiveAsync(message.Message));
        return subscriber;
    }

    /// <summary>The groups a connection is in, so leaving takes it out of each.</summary>
    private sealed class ConnectionGroups
    {
        public readonly HashSet<string> Names = new(StringComparer.Ordinal);
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        // The first connection waits for the node's subscription; sends to it must not be missed.
        await SubscribedAsync();
        connection.Features.Set(new ConnectionGroups());
        connections.Add(connection);
        if (connection.UserIdentifier is { } user)
            Enter(users, user, connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        connections.Remove(connection);
        if (connection.UserIdentifier is { } user)
            Leave(users, user, connection);
        if (connection.Features.Get<ConnectionGroups>() is { } joined)
        {
            lock (joined)
            {
                foreach (var group in joined.Names)
                    Leave(groups, group, connection);
                joined.Names.Clear();
            }
        }
        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.All, [], [], methodName, args);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.All, [], excludedConnectionIds, methodName, args);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        connections[connectionId] is { } local
            ? local.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask()
            : PublishAsync(BusKind.Connections, [connectionId], [], methodName, args);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.Connections, connectionIds, [], methodName, args);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.Groups, [groupName], [], methodName, args);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.Groups, groupNames, [], methodName, args);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.Groups, [groupName], excludedConnectionIds, methodName, args);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.Users, [userId], [], methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        PublishAsync(BusKind.Users, userIds, [], methodName, args);

    /// <summary>A connection on another node is changed there: the bus carries the request (no acknowledgement).</summary>
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (connections[connectionId] is not { } local)
            return PublishAsync(new BusMessage(BusKind.GroupAdd, [connectionId, groupName], [], []));
        Join(local, groupName);
        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (connections[connectionId] is not { } local)
            return PublishAsync(new BusMessage(BusKind.GroupRemove, [connectionId, groupName], [], []));
        Part(local, groupName);
        return Task.CompletedTask;
    }

    private void Join(HubConnectionContext connection, string group)
    {
        if (connection.Features.Get<ConnectionGroups>() is not { } joined)
            return;
        lock (joined)
        {
            // A connection that already left (OnDisconnected ran) joins nothing.
            if (connections[connection.ConnectionId] is null || !joined.Names.Add(group))
                return;
            Enter(groups, group, connection);
        }
    }

    private void Part(HubConnectionContext connection, string group)
    {
        if (connection.Features.Get<ConnectionGroups>() is not { } joined)
            return;
        lock (joined)
        {
            if (joined.Names.Remove(group))
                Leave(groups, group, connection);
        }
    }

    private Task PublishAsync(BusKind kind, IReadOnlyList<string> targets, IReadOnlyList<string> excluded, string method, object?[] args) =>
        PublishAsync(BusMessage.Invocation(kind, targets, excluded, protocols, method, args));

    private async Task PublishAsync(BusMessage message)
    {
        var subscriber = await SubscribedAsync();
        await subscriber.PublishAsync(channel, message.ToBytes());
    }

    private async Task ReceiveAsync(RedisValue value)
    {
        try
        {
            var message = BusMessage.FromBytes((byte[])value!);
            switch (message.Kind)
            {
                case BusKind.GroupAdd when connections[message.Targets[0]] is { } local:
                    Join(local, message.Targets[1]);
                    return;
                case BusKind.GroupRemove when connections[message.Targets[0]] is { } local:
                    Part(local, message.Targets[1]);
                    return;
                case BusKind.GroupAdd or BusKind.GroupRemove:
                    return;
            }
            var recipients = Recipients(message);
            if (recipients.Count == 0)
                return;
            var serialized = new SerializedHubMessage(message.Payloads);
            await Task.WhenAll(recipients.Select(c => c.WriteAsync(serialized).AsTask()));
        }
        catch (Exception exception)
        {
            // One bad publish or one failed write must not stop this node's reader.
            LogReceiveFailed(exception);
        }
    }

    private List<HubConnectionContext> Recipients(BusMessage message)
    {
        var found = new List<HubConnectionContext>();
        void AddFrom(HubConnectionStore store)
        {
            foreach (var connection in store)
                if (!message.Excluded.Contains(connection.ConnectionId))
                    found.Add(connection);
        }
        switch (message.Kind)
        {
            case BusKind.All:
                AddFrom(connections);
                break;
            case BusKind.Connections:
                foreach (var id in message.Targets)
                    if (connections[id] is { } connection && !message.Excluded.Contains(id))
                        found.Add(connection);
                break;
            case BusKind.Groups:
                foreach (var group in message.Targets)
                    if (groups.TryGetValue(group, out var store))
                        AddFrom(store);
                break;
            case BusKind.Users:
                foreach (var user in message.Targets)
                    if (users.TryGetValue(user, out var store))
                        AddFrom(store);
                break;
        }
        return found;
    }

    // Entering and leaving take the index's lock, so a store found empty and dropped by one
    // connection's leaving cannot swallow another's concurrent entering (a member reconnecting
    // while its last connection closes). Sends read the stores without it.
    private static void Enter(ConcurrentDictionary<string, HubConnectionStore> index, string key, HubConnectionContext connection)
    {
        lock (index)
            index.GetOrAdd(key, _ => new HubConnectionStore()).Add(connection);
    }

    // An empty store is dropped, so a node does not keep one per group or member it ever saw.
    private static void Leave(ConcurrentDictionary<string, HubConnectionStore> index, string key, HubConnectionContext connection)
    {
        lock (index)
        {
            if (!index.TryGetValue(key, out var store))
                return;
            store.Remove(connection);
            if (store.Count == 0)
                index.TryRemove(key, out _);
        }
    }

    public void Dispose()
    {
        if (subscription is { IsCompletedSuccessfully: true } made)
            made.Result.Unsubscribe(channel);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message of the cluster bus could not be delivered on this node")]
    private partial void LogReceiveFailed(Exception exception);
}
