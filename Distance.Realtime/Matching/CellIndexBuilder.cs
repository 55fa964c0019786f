using Distance.Data.Locations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Matching;

/// <summary>
/// Rebuilds the cell index from MariaDB whenever its built marker is missing: at the first start
/// on a Redis, and after Redis lost its data. One node at a time (a lease key); until the marker is
/// set, draws read MariaDB's buckets. The rebuild adds every placed member page by page and removes
/// nothing: entries made stale meanwhile (or before) are removed when a draw finds them.
/// </summary>
public sealed partial class CellIndexBuilder(
    CellIndex index, LocationRepository locations, IDatabase redis, IOptions<MatchingOptions> options, TimeProvider clock,
    ILogger<CellIndexBuilder> logger) : BackgroundService
{
    private const string LeaseKey = "cells:building";
    private const int PageSize = 2_000;
    private const int WritesInFlight = 4;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!index.Enabled)
            return;
        using var timer = new PeriodicTimer(options.Value.CellIndexCheckInterval, clock);
        do
        {
            try
            {
                if (!await redis.KeyExistsAsync(CellIndex.BuiltKey).WaitAsync(stoppingToken)
                    && await redis.StringSetAsync(LeaseKey, Environment.MachineName, Lease, When.NotExists).WaitAsync(stoppingToken))
                    await RebuildAsync(stoppingToken);
            }
            // Whatever fails, the node goes on (an exception here would stop the host) and draws
            // read the buckets; the next tick tries again.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        long after = 0, members = 0;
        // The next page is read while the last ones are written: MariaDB and Redis work side by side.
        var writes = new Queue<Task>();
        while (await locations.PlacementsAfterAsync(after, PageSize, cancellationToken) is { Count: > 0 } page)
        {
            writes.Enqueue(index.PlaceAsync(page, cancellationToken));
            if (writes.Count >= WritesInFlight)
            {
                await writes.Dequeue();
                // Still ours: a rebuild longer than the lease must not let a second node start one.
                await redis.KeyExpireAsync(LeaseKey, Lease).WaitAsync(cancellationToken);
            }
            after = page[^1].MemberId;
            members += page.Count;
        }
        await Task.WhenAll(writes);
        await redis.StringSetAsync(CellIndex.BuiltKey, clock.GetUtcNow().ToString("O")).WaitAsync(cancellationToken);
        await redis.KeyDeleteAsync(LeaseKey).WaitAsync(cancellationToken);
        LogRebuilt(members, clock.GetElapsedTime(started).TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt the cell index from MariaDB: {Members} members in {Seconds:F1} s")]
    private partial void LogRebuilt(long members, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check or rebuild the cell index; draws read MariaDB's buckets until it is built")]
    private partial void LogFailed(Exception exception);
}
