using System.Collections.Concurrent;
using Distance.Data.Locations;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Distance.Realtime.Matching;

/// <summary>
/// Coalesces location updates into multi-row writes (issue 20): a request queues its update and
/// waits; one flush at a time takes everything queued (up to <see cref="MatchingOptions.LocationBatchSize"/>)
/// and stores it in one statement and one commit, so the batch grows with the load while a
/// request is still answered only after its update is committed. Updates that change cells (or
/// are a member's first) are moved one by one afterwards, each answered when its move commits.
/// A batch that loses a deadlock or a lock wait is written again (its statement rolled back as a
/// whole, so nothing of it was stored); any other failure fails every request of the batch.
/// After the commit the cell index follows (<see cref="CellIndex"/>), before the requests are
/// answered, so a member is drawable once its update is acknowledged; an index write that fails
/// is logged, and the member's updates in place place it again for a while after a move.
/// No background service: the request that finds no flush running starts one, and the flush runs
/// until the queue is empty, so nothing queued waits for a timer or is left behind at shutdown.
/// </summary>
public sealed partial class LocationWriter(LocationRepository locations, CellIndex index, IOptions<MatchingOptions> options, ILogger<LocationWriter> logger)
{
    private const int Attempts = 3;

    private sealed record Pending(LocationUpdate Update, TaskCompletionSource<bool> Stored);

    private readonly ConcurrentQueue<Pending> queue = new();
    private int flushing;

    /// <summary>Stores the location; false when the member does not exist. Completes after the commit.</summary>
    public async Task<bool> UpdateAsync(long memberId, double latitude, double longitude, CancellationToken cancellationToken)
    {
        var pending = new Pending(new LocationUpdate(memberId, latitude, longitude), new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref flushing, 1, 0) == 0)
            _ = Task.Run(FlushAsync, CancellationToken.None);
        // Once queued, the flush decides the outcome; a caller that goes away just stops waiting.
        return await pending.Stored.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        do
        {
            var linger = options.Value.LocationBatchLinger;
            if (linger > TimeSpan.Zero && queue.Count < options.Value.LocationBatchSize)
                await Task.Delay(linger);
            while (TakeBatch() is { Count: > 0 } batch)
                await WriteAsync(batch);
            Volatile.Write(ref flushing, 0);
            // An update queued after the last TakeBatch but before the flag was cleared found a
            // flush running and started none: take it over unless another request already did.
        } while (!queue.IsEmpty && Interlocked.CompareExchange(ref flushing, 1, 0) == 0);
    }

    private List<Pending> TakeBatch()
    {
        var batch = new List<Pending>();
        while (batch.Count < options.Value.LocationBatchSize && queue.TryDequeue(out var pending))
            batch.Add(pending);
        return batch;
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        var throttle = options.Value.ActivityWriteInterval;
        // One row per member: a later update of the same member in the batch supersedes an earlier
        // one, as it would have a moment later; both are answered by the write of the later one.
        var latest = new Dictionary<long, LocationUpdate>();
        foreach (var pending in batch)
            latest[pending.Update.MemberId] = pending.Update;
        // Rows are locked in the batch's order: in member id order on every node, so two nodes'
        // batches wait for each other instead of deadlocking.
        var rows = latest.Values.OrderBy(u => u.MemberId).ToList();
        StoredInPlace inPlace;
        try
        {
            inPlace = await UpdateInPlaceAsync(rows, throttle);
        }
        catch (Exception exception)
        {
            LogBatchFailed(exception, batch.Count);
            foreach (var pending in batch)
                pending.Stored.TrySetException(exception);
            return;
        }
        // Members who changed cells lately are placed again: their move may be what Redis lost.
        await FollowAsync(() => index.PlaceAsync(inPlace.RecentlyMoved, CancellationToken.None));

        var stored = inPlace.Members;
        var moves = new Dictionary<long, Task<bool>>();
        foreach (var pending in batch)
        {
            var memberId = pending.Update.MemberId;
            if (stored.Contains(memberId))
            {
                pending.Stored.TrySetResult(true);
                continue;
            }
            if (!moves.TryGetValue(memberId, out var move))
                moves[memberId] = move = MoveAsync(latest[memberId], throttle);
            _ = CompleteAsync(pending, move);
        }
        // Moves take their own transactions with their own lock order (LocationMoves); the next
        // batch need not wait for them.
    }

    private async Task<bool> MoveAsync(LocationUpdate update, TimeSpan throttle)
    {
        if (await locations.MoveAsync(update, throttle, CancellationToken.None) is not { } move)
            return false;
        await FollowAsync(() => index.MoveAsync(move, CancellationToken.None));
        return true;
    }

    /// <summary>Writes the index after a commit; a failure only costs a draw until the member's next update.</summary>
    private async Task FollowAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception exception)
        {
            // The update is committed: whatever went wrong with the copy, the request succeeded.
            LogIndexFailed(exception.GetType().Name);
        }
    }

    private async Task<StoredInPlace> UpdateInPlaceAsync(List<LocationUpdate> rows, TimeSpan throttle)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await locations.UpdateInPlaceAsync(rows, throttle, CancellationToken.None);
            }
            catch (MySqlException exception) when (attempt < Attempts && exception.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout)
            {
                // Lost to another transaction on one of these rows (a mover, a batch of an older build): try again shortly.
                LogRetry(exception.ErrorCode, rows.Count, attempt);
                await Task.Delay(Random.Shared.Next(1, 10 * attempt));
            }
        }
    }

    private static async Task CompleteAsync(Pending pending, Task<bool> move)
    {
        try
        {
            pending.Stored.TrySetResult(await move);
        }
        catch (Exception exception)
        {
            pending.Stored.TrySetException(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {Count} location updates lost a lock conflict ({Error}) on attempt {Attempt}; writing it again")]
    private partial void LogRetry(MySqlErrorCode error, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The cell index could not follow a location write ({Error}); the next update repairs it")]
    private partial void LogIndexFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} location updates could not be stored; every request of it fails")]
    private partial void LogBatchFailed(Exception exception, int count);
}
