using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Distance.Data.Database;

/// <summary>
/// Sends reads that tolerate a little lag to the replica while <see cref="ReplicaMonitor"/> last
/// proved it holds everything the primary had committed within <see cref="DatabaseOptions.ReplicaMaxLag"/>;
/// otherwise, or without a replica, to the primary. Freshness ages on its own: a monitor that
/// stops proving it (replica down, replication stopped, lag) moves the reads back without a
/// decision of its own. Reads a member must see right after their own write never come here.
/// </summary>
public sealed partial class ReadRouting : IAsyncDisposable
{
    private readonly MySqlDataSource primary;
    private readonly TimeProvider clock;
    private readonly ILogger<ReadRouting> logger;
    private readonly TimeSpan maxLag;
    private readonly Counter<long>? reads;
    // The timestamp (TimeProvider) as of which the replica was last shown to hold every primary
    // commit; 0 when it is not (yet) known to. Written by the monitor and by failed reads.
    private long freshAsOf;

    /// <summary>The data layer's meter: which server answered the lag-tolerant reads (drills and dashboards watch it).</summary>
    public const string MeterName = "Distance.Data";

    public ReadRouting(MySqlDataSource primary, IOptions<DatabaseOptions> options, TimeProvider clock, ILogger<ReadRouting> logger,
        IMeterFactory? meters = null)
    {
        reads = meters?.Create(MeterName).CreateCounter<long>(
            "distance.db.lag_tolerant_reads", description: "Lag-tolerant reads, by the server that answered (replica or primary).");
        this.primary = primary;
        this.clock = clock;
        this.logger = logger;
        maxLag = options.Value.ReplicaMaxLag;
        if (!string.IsNullOrWhiteSpace(options.Value.ReadConnectionString))
        {
            var builder = new MySqlDataSourceBuilder(options.Value.ReadConnectionString);
            // A replica that went away must not hold a read for the default 15 s before the primary takes it.
            builder.ConnectionStringBuilder.ConnectionTimeout = Math.Min(builder.ConnectionStringBuilder.ConnectionTimeout, 2);
            Replica = builder.Build();
        }
    }

    /// <summary>Routing without a replica, for tools that build repositories by hand (the load driver).</summary>
    public static ReadRouting PrimaryOnly(MySqlDataSource primary) =>
        new(primary, Options.Create(new DatabaseOptions()), TimeProvider.System, NullLogger<ReadRouting>.Instance);

    /// <summary>The replica's pooled connections, or null when none is configured.</summary>
    internal MySqlDataSource? Replica { get; }

    /// <summary>True while a read would go to the replica.</summary>
    public bool ReplicaIsFresh
    {
        get
        {
            var asOf = Interlocked.Read(ref freshAsOf);
            return Replica is not null && asOf != 0 && clock.GetElapsedTime(asOf) <= maxLag;
        }
    }

    /// <summary>Called by the monitor: the replica held every commit the primary had at <paramref name="timestamp"/>.</summary>
    internal void ProvedFresh(long timestamp)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref freshAsOf);
            if (seen >= timestamp)
                return;
        } while (Interlocked.CompareExchange(ref freshAsOf, timestamp, seen) != seen);
    }

    /// <summary>Stops replica reads until the monitor proves the replica fresh again.</summary>
    internal void MarkStale() => Interlocked.Exchange(ref freshAsOf, 0);

    /// <summary>
    /// Runs a lag-tolerant read on the replica when it is fresh, else on a primary connection. A read
    /// that fails on the replica for any reason runs again on the primary (these reads change
    /// nothing, so running one twice is harmless), and the replica is not used again until proven.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<MySqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        if (await TryReplicaAsync(read, cancellationToken) is (true, var fromReplica))
            return fromReplica;
        Count("primary");
        await using var connection = await primary.OpenConnectionAsync(cancellationToken);
        return await read(connection);
    }

    /// <summary>
    /// As <see cref="ReadAsync{T}(Func{MySqlConnection, Task{T}}, CancellationToken)"/>, but the primary's
    /// turn runs on <paramref name="primaryConnection"/>, already open for the caller's own rows.
    /// </summary>
    public async Task<T> ReadAsync<T>(MySqlConnection primaryConnection, Func<MySqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        if (await TryReplicaAsync(read, cancellationToken) is (true, var fromReplica))
            return fromReplica;
        Count("primary");
        return await read(primaryConnection);
    }

    private async Task<(bool Done, T Value)> TryReplicaAsync<T>(Func<MySqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        if (!ReplicaIsFresh)
            return (false, default!);
        try
        {
            await using var connection = await Replica!.OpenConnectionAsync(cancellationToken);
            var value = await read(connection);
            Count("replica");
            return (true, value);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            MarkStale();
            LogReplicaReadFailed(exception.GetType().Name, exception.Message);
            return (false, default!);
        }
    }

    private void Count(string server) => reads?.Add(1, new KeyValuePair<string, object?>("server", server));

    public ValueTask DisposeAsync() => Replica?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A replica read failed ({Type}: {Reason}); reads go to the primary until the replica is proven fresh again")]
    private partial void LogReplicaReadFailed(string type, string reason);
}
