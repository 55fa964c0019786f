using System.Threading.Channels;
using Distance.Data.Rooms;

namespace Distance.Realtime.Chat;

/// <summary>
/// The rooms of connecting members, read from MariaDB in batches. A connection storm (the
/// survivors of a lost node reconnecting at once) asks for thousands of members' rooms within a
/// second, and one statement per connection spent MariaDB's CPU on per-statement work (issue 20).
/// While one batch's statement runs, the connections that arrive meanwhile queue for the next, so
/// a quiet node asks at once (a batch of one) and a storm asks once per batch: no timer, no added
/// wait. Each answer is read after the request was queued, so a room created before a connection
/// registered itself is in its answer, as with a statement of its own.
/// </summary>
public sealed class ConnectingRooms(MemberRoomsRepository rooms) : BackgroundService
{
    private const int MaxBatch = 500;

    private readonly Channel<Request> queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Request(long MemberId, TaskCompletionSource<IReadOnlyList<long>> Rooms);

    /// <summary>The member's active rooms; throws what the batch's statement threw (e.g. MariaDB is down).</summary>
    public async Task<IReadOnlyList<long>> ActiveRoomIdsAsync(long memberId, CancellationToken cancellationToken)
    {
        var request = new Request(memberId, new TaskCompletionSource<IReadOnlyList<long>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(request))
            throw new ChannelClosedException("The node is stopping.");
        return await request.Rooms.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Request>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var request))
                    batch.Add(request);
                await AnswerAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the requests still queued are cancelled below.
        }
        finally
        {
            queue.Writer.TryComplete();
            while (queue.Reader.TryRead(out var request))
                request.Rooms.TrySetCanceled(stoppingToken);
        }
    }

    private async Task AnswerAsync(List<Request> batch, CancellationToken cancellationToken)
    {
        ILookup<long, long> found;
        try
        {
            found = await rooms.ActiveRoomIdsAsync(batch.Select(r => r.MemberId).Distinct().ToList(), cancellationToken);
        }
        catch (Exception exception)
        {
            // Not swallowed: every connection of the batch fails its connect with it, as it would have alone.
            foreach (var request in batch)
                request.Rooms.TrySetException(exception);
            return;
        }
        foreach (var request in batch)
            request.Rooms.TrySetResult(found[request.MemberId].ToList());
    }
}
