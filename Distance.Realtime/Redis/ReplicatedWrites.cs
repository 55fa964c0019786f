using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Redis;

/// <summary>
/// Writes that must survive a Sentinel failover. Redis replicates asynchronously, so a write the
/// primary has acknowledged can be missing from the replica promoted a moment later. With sentinels
/// these writes go over a connection of their own and are followed by WAIT, which holds that
/// connection until a replica has them or <see cref="RedisOptions.ReplicaWaitTimeout"/> passes:
/// on the node's shared connection it would hold up every request's command behind it. Without
/// sentinels there is no replica to wait for, and they go over the node's connection.
/// </summary>
public sealed partial class ReplicatedWrites : IDisposable
{
    private readonly IDatabase shared;
    private readonly RedisOptions options;
    private readonly SentinelFollower sentinels;
    private readonly ILogger<ReplicatedWrites> logger;
    private readonly Lazy<Task<IDatabase>>? own;

    internal ReplicatedWrites(IDatabase shared, IOptions<RedisOptions> options, SentinelFollower sentinels, ILogger<ReplicatedWrites> logger)
    {
        this.shared = shared;
        this.options = options.Value;
        this.sentinels = sentinels;
        this.logger = logger;
        // Opened by the first such write (a logout), not at the first authenticated request that
        // builds this object, which would then wait for the connect.
        if (RedisSetup.UsesSentinels(this.options.ConnectionString))
            own = new Lazy<Task<IDatabase>>(ConnectAsync);
    }

    /// <summary>
    /// Runs <paramref name="write"/>, then waits for one replica to hold it. Returns whether one does;
    /// true without sentinels, where there is none. A replica that is down or behind does not fail
    /// the write (the primary has it): the caller is answered after the timeout, and a warning says so.
    /// </summary>
    public async Task<bool> WriteAsync(Func<IDatabase, Task> write, string what)
    {
        if (own is null)
        {
            await write(shared);
            return true;
        }
        var database = await own.Value;
        await write(database);
        // WAIT covers every earlier write of this connection, so writes of other callers in
        // between only make it wait for more. StackExchange.Redis offers no WAIT because it blocks
        // the connection it is sent on; this connection carries nothing else.
        var timeout = (long)options.ReplicaWaitTimeout.TotalMilliseconds;
        var replicas = (long)await database.ExecuteAsync("WAIT", [1, timeout], CommandFlags.DemandMaster);
        if (replicas > 0)
            return true;
        LogNoReplica(what, timeout);
        return false;
    }

    private async Task<IDatabase> ConnectAsync()
    {
        var configuration = RedisSetup.Configure(options);
        configuration.ClientName += "-replicated";
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return RedisSetup.Prefixed(sentinels.Follow(await ConnectionMultiplexer.ConnectAsync(configuration), "replicated writes"), options);
    }

    public void Dispose()
    {
        if (own is { IsValueCreated: true, Value.IsCompletedSuccessfully: true })
            own.Value.Result.Multiplexer.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} reached no Redis replica within {Milliseconds} ms: a failover now would lose it")]
    private partial void LogNoReplica(string what, long milliseconds);
}
