using System.Threading.Channels;
using Distance.Data.Database;
using Distance.Data.Messages;
using Distance.Realtime.Observability;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Chat;

/// <summary>
/// The durable send path. Hub calls queue their message here and wait; each writer loop takes
/// whatever has queued up (up to MaxBatchSize) and commits it in one MariaDB transaction, then
/// completes the waiting calls and hands the stored messages to the shard's fan-out loop. Many
/// messages share one commit (and one log flush), so throughput grows with load while an ack still
/// means "committed". The next commit does not wait for the last broadcast: a slow or failing
/// backplane (a Redis failover) delays live delivery, never acks. Rooms are sharded over the loops
/// by id, and each shard broadcasts its batches in commit order, so one room's messages leave a
/// node in seq order. Queues are bounded: a full write queue makes senders wait briefly, then
/// answers "unavailable"; a full fan-out queue holds the commits back.
/// </summary>
public sealed partial class MessageWriter : IHostedService
{
    private readonly MessageBatchRepository store;
    private readonly WritePipeline resilience;
    private readonly MessageFanout fanout;
    private readonly DistanceMetrics metrics;
    private readonly ChatOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<MessageWriter> logger;
    private readonly Channel<Pending>[] shards;
    private readonly Channel<IReadOnlyList<StoredMessage>>[] fanouts;
    // Per shard: the timestamp at which the oldest message of the batch being committed was queued; 0 when none waits.
    private readonly long[] oldestInFlight;
    private readonly CancellationTokenSource stopping = new();
    private Task[] loops = [];
    private Task[] fanoutLoops = [];

    private const int FanoutQueueBatches = 256;

    public MessageWriter(
        MessageBatchRepository store, WritePipeline resilience, MessageFanout fanout, DistanceMetrics metrics,
        IOptions<ChatOptions> options, TimeProvider clock, ILogger<MessageWriter> logger)
    {
        this.store = store;
        this.resilience = resilience;
        this.fanout = fanout;
        this.metrics = metrics;
        this.options = options.Value;
        this.clock = clock;
        this.logger = logger;
        shards = Enumerable.Range(0, this.options.Writers)
            .Select(_ => Channel.CreateBounded<Pending>(new BoundedChannelOptions(this.options.WriteQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            }))
            .ToArray();
        // A few hundred committed batches may wait for the backplane (seconds at full load) before
        // the commits slow down to its pace.
        fanouts = shards.Select(_ => Channel.CreateBounded<IReadOnlyList<StoredMessage>>(new BoundedChannelOptions(FanoutQueueBatches)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = true,
            }))
            .ToArray();
        oldestInFlight = new long[shards.Length];
        metrics.ObserveChatWriteQueue(() => shards.Sum(s => s.Reader.Count));
        metrics.ObservePersistenceLag(PersistenceLag);
    }

    /// <summary>Stores the message durably (or recognises a resend) and returns its fate.</summary>
    /// <exception cref="ChatUnavailableException">MariaDB is failing, the queue stayed full, or the node is stopping.</exception>
    public async Task<AppendResult> WriteAsync(NewTextMessage message, CancellationToken cancellationToken)
    {
        if (resilience.IsOpen)
            throw new ChatUnavailableException("The message store is unavailable.");
        var pending = new Pending(message, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously), clock.GetTimestamp());
        var shard = shards[(int)(message.RoomId % shards.Length)].Writer;
        if (!shard.TryWrite(pending))
            await WaitForRoomAsync(shard, pending, cancellationToken);
        // Once queued, the writer decides the outcome; a caller that goes away just stops waiting.
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WaitForRoomAsync(ChannelWriter<Pending> shard, Pending pending, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.EnqueueTimeout);
        try
        {
            await shard.WriteAsync(pending, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChatUnavailableException("The write queue stayed full.");
        }
        catch (ChannelClosedException)
        {
            throw new ChatUnavailableException("The node is shutting down.");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        loops = shards.Select((s, i) => Task.Run(() => RunAsync(s.Reader, i), CancellationToken.None)).ToArray();
        fanoutLoops = fanouts.Select(f => Task.Run(() => FanOutAsync(f.Reader), CancellationToken.None)).ToArray();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking messages, commits and broadcasts what is queued, and gives up only when the host's shutdown time runs out.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in shards)
            shard.Writer.TryComplete();
        try
        {
            await Task.WhenAll(loops).WaitAsync(cancellationToken);
            foreach (var fanout in fanouts)
                fanout.Writer.TryComplete();
            await Task.WhenAll(fanoutLoops).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await stopping.CancelAsync();
        }
    }

    /// <summary>Age of the oldest message accepted but not yet stored, at the moment it is observed (a scrape sees a stuck commit grow).</summary>
    private TimeSpan PersistenceLag()
    {
        var lag = TimeSpan.Zero;
        for (var i = 0; i < oldestInFlight.Length; i++)
        {
            var since = Volatile.Read(ref oldestInFlight[i]);
            if (since != 0 && clock.GetElapsedTime(since) is var waited && waited > lag)
                lag = waited;
        }
        return lag;
    }

    private async Task RunAsync(ChannelReader<Pending> reader, int shard)
    {
        var broadcasts = fanouts[shard].Writer;
        var batch = new List<Pending>(options.MaxBatchSize);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < options.MaxBatchSize && reader.TryRead(out var pending))
                batch.Add(pending);
            // Persistence lag counts from the oldest message of this batch until the queue has drained.
            Volatile.Write(ref oldestInFlight[shard], batch[0].QueuedAt);
            try
            {
                if (await CommitAsync(batch) is { Count: > 0 } stored)
                    await broadcasts.WriteAsync(stored, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // Never let one bad batch stop the loop; its callers learn it failed.
                LogBatchFailed(exception, batch.Count);
                foreach (var pending in batch)
                    pending.Completion.TrySetException(new ChatUnavailableException("The batch failed.", exception));
            }
            batch.Clear();
            if (reader.Count == 0)
                Volatile.Write(ref oldestInFlight[shard], 0);
        }
    }

    /// <summary>Commits the batch and completes its callers; returns the messages to broadcast.</summary>
    private async Task<IReadOnlyList<StoredMessage>> CommitAsync(List<Pending> batch)
    {
        // The ack must carry exactly what history will return.
        var sentAt = StoredTime.Now(clock);
        var messages = batch.Select(p => p.Message).ToList();
        IReadOnlyList<AppendResult> results;
        try
        {
            results = await resilience.Pipeline.ExecuteAsync(
                async token => await store.AppendAsync(messages, sentAt, token), stopping.Token);
        }
        catch (Exception exception)
        {
            LogBatchFailed(exception, batch.Count);
            foreach (var pending in batch)
                pending.Completion.TrySetException(new ChatUnavailableException("The message store is unavailable.", exception));
            return [];
        }

        var stored = new List<StoredMessage>();
        for (var i = 0; i < batch.Count; i++)
            if (results[i].Outcome == AppendOutcome.Stored)
            {
                stored.Add(new StoredMessage(messages[i], results[i]));
                metrics.PersistenceDuration.Record(clock.GetElapsedTime(batch[i].QueuedAt).TotalSeconds);
            }
        metrics.MessagesPersisted.Add(stored.Count);

        for (var i = 0; i < batch.Count; i++)
            batch[i].Completion.TrySetResult(results[i]);
        return stored;
    }

    /// <summary>Broadcasts one shard's committed batches, one after the other, in commit order.</summary>
    private async Task FanOutAsync(ChannelReader<IReadOnlyList<StoredMessage>> reader)
    {
        await foreach (var stored in reader.ReadAllAsync(CancellationToken.None))
            await fanout.PublishAsync(stored); // never throws: a failed broadcast is logged and counted there
    }

    private sealed record Pending(NewTextMessage Message, TaskCompletionSource<AppendResult> Completion, long QueuedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} chat messages could not be stored")]
    private partial void LogBatchFailed(Exception exception, int count);
}

/// <summary>A message this node just stored, with its seq, timestamp and recipient.</summary>
public sealed record StoredMessage(NewTextMessage Message, AppendResult Result)
{
    /// <summary>The row history will return for it, so live and history build the client's message one way.</summary>
    public MessageRow ToRow() => new(Message.RoomId, Result.Seq, Message.SenderId, MessageRow.TextKind, Message.Text, Result.SentAt, Message.ClientMessageId);
}

/// <summary>A dependency of the send path is down; the hub answers "unavailable" and the client retries with the same id.</summary>
public sealed class ChatUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
