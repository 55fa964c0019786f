using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Redis;

/// <summary>
/// Makes the node's multiplexers (its own and the backplane's) follow a Sentinel promotion.
/// StackExchange.Redis switches by itself only when the new primary is an endpoint it does not
/// know yet; after a kill -9 of the primary the promoted node is the replica it already holds as a
/// replica, so it keeps queueing writes for the dead one (the redis-failover drill). Four times a second
/// this asks the sentinels for the primary and, when a multiplexer does not see that endpoint as a
/// connected primary, has it re-read every endpoint's role (ConfigureAsync).
/// </summary>
internal sealed partial class SentinelFollower(IOptions<RedisOptions> options, ILogger<SentinelFollower> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<IConnectionMultiplexer, Followed> followed = new();

    /// <summary>Follows <paramref name="multiplexer"/> from now on (nothing happens without a sentinel service name).</summary>
    public T Follow<T>(T multiplexer, string name) where T : IConnectionMultiplexer
    {
        followed[multiplexer] = new Followed(name);
        return multiplexer;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var configuration = RedisSetup.Configure(options.Value);
        if (string.IsNullOrEmpty(configuration.ServiceName))
            return;
        var service = configuration.ServiceName;
        configuration.ServiceName = null;
        configuration.CommandMap = CommandMap.Sentinel;
        // A sentinel that does not answer within a second is skipped for the next one.
        configuration.AsyncTimeout = 1000;
        await using var sentinels = await ConnectionMultiplexer.SentinelConnectAsync(configuration);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FollowAsync(sentinels, service);
            }
            // Whatever it was (a sentinel's timeout is no RedisException), the follower keeps
            // running: a BackgroundService that throws stops the whole node.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(exception.Message);
            }
        }
    }

    private async Task FollowAsync(ConnectionMultiplexer sentinels, string service)
    {
        var primary = await PrimaryAsync(sentinels, service);
        if (primary is null)
            return;
        foreach (var (multiplexer, state) in followed)
        {
            // Only a multiplexer left without any primary: a graceful failover (the old primary
            // still answers, as a replica) is followed by StackExchange.Redis itself, and
            // re-reading then would only disturb it. Not only once the promoted node's own
            // connection is back: the promotion drops every client of it, and waiting for that
            // reconnect first cost the drill seconds without Redis. At most one re-read at a time
            // and one a second each, side by side: a re-read also tries the dead primary, for up
            // to the connect timeout, and must not hold up the other connection or the next look.
            if (multiplexer.CanWrite() || !multiplexer.GetEndPoints().Contains(primary)
                || state.Rereading is { IsCompleted: false }
                || Stopwatch.GetElapsedTime(state.LastReread) < TimeSpan.FromSeconds(1))
                continue;
            state.LastReread = Stopwatch.GetTimestamp();
            LogSwitching(state.Name, primary.ToString() ?? "?");
            state.Rereading = RereadAsync(multiplexer, state.Name);
        }
    }

    private async Task RereadAsync(IConnectionMultiplexer multiplexer, string name)
    {
        try
        {
            await multiplexer.ConfigureAsync();
        }
        catch (Exception exception)
        {
            LogRereadFailed(name, exception.Message);
        }
    }

    private static async Task<EndPoint?> PrimaryAsync(ConnectionMultiplexer sentinels, string service)
    {
        foreach (var endpoint in sentinels.GetEndPoints())
        {
            try
            {
                var server = sentinels.GetServer(endpoint);
                if (server.IsConnected && await server.SentinelGetMasterAddressByNameAsync(service) is { } primary)
                    return primary;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
            {
                // the next sentinel may answer
            }
        }
        return null;
    }

    private sealed class Followed(string name)
    {
        public string Name { get; } = name;
        public long LastReread { get; set; }
        public Task? Rereading { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection {Name} does not see the sentinels' primary {Primary} yet: re-reading the roles")]
    private partial void LogSwitching(string name, string primary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection {Name} could not re-read the roles: {Reason}")]
    private partial void LogRereadFailed(string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the sentinels failed this round; trying again: {Reason}")]
    private partial void LogRoundFailed(string reason);
}
