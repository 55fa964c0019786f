using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Distance.Client;
using Distance.Contracts;
using Distance.Load.Common;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Load.Chat;

/// <summary>What <see cref="ChatPairs.Harvest"/> took out: acked messages per room, and those acked but never delivered or never answered.</summary>
public sealed record Harvested(Dictionary<long, long> AckedByRoom, long Acked, long Undelivered, long Unsettled);

/// <summary>
/// Room k joins member 2k-1 (connected to the first URL) and member 2k (the second URL), so every
/// message crosses nodes. The same code drives the Distance hub and the bare baseline hub: only the
/// URLs and the way a connection says who it is differ. The clients hand over every event as it
/// arrives (no reordering, no SyncRoom, no reconnect): the driver measures the server's own
/// duplicates and losses.
/// </summary>
public sealed class ChatPairs(IReadOnlyList<IChatLoadClient> first, IReadOnlyList<IChatLoadClient> second) : IAsyncDisposable
{
    // Messages in flight, by number (the client message id carries it). One both acked and delivered
    // is retired into its run's tally, so the driver holds only what is in flight: held to the end of
    // the run, every message survived the driver's collections, which paused it 25-55 ms each, and a
    // driver that stops counts its stop in every latency it measures.
    private readonly ConcurrentDictionary<long, Pending> pending = new();
    private readonly Dictionary<string, long[]> retired = [];
    private readonly Lock retiring = new();
    // A retired message delivered again is still a duplicate.
    private readonly MessageBits delivered = new();
    private long sequence;

    public sealed class Pending(long scheduled, long roomId, string runTag)
    {
        public long Scheduled { get; } = scheduled;
        public long RoomId { get; } = roomId;
        public string RunTag { get; } = runTag;
        public int Acked;
        public int Delivered;
        public int Settled;
        public bool Retired;
    }

    public int Pairs => first.Count;

    /// <summary>Messages sent and not yet acked and delivered, or not yet harvested: what the driver holds.</summary>
    public int PendingCount => pending.Count;

    /// <summary>Where delivery latencies are recorded; swapped between phases.</summary>
    public Latency? Delivery { get; set; }

    /// <summary>Where delivery latencies are also recorded per window of the phase, when asked for.</summary>
    public LatencyTimeline? Timeline { get; set; }

    public long Duplicates;

    public static async Task<ChatPairs> ConnectAsync(int pairs, Func<int, IChatLoadClient> firstOf, Func<int, IChatLoadClient> secondOf, int parallel)
    {
        var a = new IChatLoadClient[pairs];
        var b = new IChatLoadClient[pairs];
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(parallel);
        ChatPairs? self = null;
        var handlers = new List<(IChatLoadClient, long)>();
        for (var room = 1; room <= pairs; room++)
        {
            a[room - 1] = firstOf(room);
            b[room - 1] = secondOf(room);
            handlers.Add((a[room - 1], 2L * room - 1));
            handlers.Add((b[room - 1], 2L * room));
        }
        self = new ChatPairs(a, b);
        foreach (var (client, member) in handlers)
            client.MessageReceived += (sender, clientMessageId) => self.OnReceived(member, sender, clientMessageId);
        await Task.WhenAll(handlers.Select(async h =>
        {
            await gate.WaitAsync();
            try
            {
                await h.Item1.StartAsync(CancellationToken.None);
            }
            finally
            {
                gate.Release();
            }
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"connected {2 * pairs} clients in {clock.Elapsed.TotalSeconds:F1} s"));
        // The clients' own state (~20 MB for 2,000) goes to the driver's oldest generation now, not in
        // the first collection of the run that follows, where copying it paused the driver ~50 ms.
        GC.Collect();
        return self;
    }

    /// <summary>The Distance hub: member 2k-1 of room k on the first node, 2k on the second, with development tokens.</summary>
    public static Task<ChatPairs> ConnectDistanceAsync(int pairs, IReadOnlyList<string> urls, DevTokens tokens, bool raw) => ConnectAsync(pairs,
        room => Create(urls[0] + ChatHubNames.Path, tokens.For(2L * room - 1), raw),
        room => Create(urls[1] + ChatHubNames.Path, tokens.For(2L * room), raw), 50);

    /// <summary>A connection by the raw client (<see cref="RawChatClient"/>) or by the reference client.</summary>
    public static IChatLoadClient Create(string url, string? token, bool raw) => raw
        ? new RawChatClient(new Uri(url), token)
        : new SignalRChatLoadClient(Build(url, token is null ? null : () => Task.FromResult<string?>(token)));

    /// <summary>The reference client, bare: WebSockets without negotiation, events as they arrive, no reconnect.</summary>
    public static ChatClient Build(string url, Func<Task<string?>>? token) => new(new Uri(url), new ChatClientOptions
    {
        SkipNegotiation = true,
        AccessTokenProvider = token,
        OrderedDelivery = false,
        AutomaticReconnect = false,
        StatefulReconnect = false,
    });

    private void OnReceived(long member, long? sender, string? clientMessageId)
    {
        // Every connection of both members gets the message; only the other member's delivery counts.
        if (sender == member || !TryNumber(clientMessageId, out var n))
            return;
        if (!pending.TryGetValue(n, out var entry))
        {
            // Retired or harvested: delivered before, this is a duplicate (or not this driver's message).
            if (delivered.IsSet(n))
                Interlocked.Increment(ref Duplicates);
            return;
        }
        if (!delivered.Set(n))
        {
            Interlocked.Increment(ref Duplicates);
            return;
        }
        Delivery?.Record(entry.Scheduled, true);
        Timeline?.Record(entry.Scheduled);
        Volatile.Write(ref entry.Delivered, 1);
        Retire(n, entry);
    }

    /// <summary>Message n's client id: the run's tag (what <see cref="ChatSeed.VerifyAsync"/> looks up), then n.</summary>
    private static string MessageId(string runTag, long n) => string.Create(CultureInfo.InvariantCulture, $"{runTag}-0000-4000-8000-{n:x12}");

    private static bool TryNumber(string? clientMessageId, out long n)
    {
        n = 0;
        return clientMessageId is { Length: 36 }
            && long.TryParse(clientMessageId.AsSpan(24), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out n);
    }

    /// <summary>Into its run's tally, once acked and delivered (whichever came last calls it).</summary>
    private void Retire(long n, Pending entry)
    {
        if (Volatile.Read(ref entry.Acked) == 0 || Volatile.Read(ref entry.Delivered) == 0)
            return;
        lock (retiring)
        {
            if (entry.Retired)
                return;
            entry.Retired = true;
            if (!retired.TryGetValue(entry.RunTag, out var ackedByRoom))
                retired[entry.RunTag] = ackedByRoom = new long[Pairs + 1];
            ackedByRoom[entry.RoomId]++;
            pending.TryRemove(n, out _);
        }
    }

    /// <summary>Sends message number n of the run: room n mod pairs, alternating direction.</summary>
    public async Task<bool> SendAsync(string runTag, long scheduled, StatusCounts errors, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref sequence) - 1;
        var index = (int)(n % Pairs);
        var room = index + 1L;
        var fromFirst = (n / Pairs) % 2 == 0;
        var client = fromFirst ? first[index] : second[index];
        var entry = new Pending(scheduled, room, runTag);
        pending[n] = entry;
        try
        {
            await client.SendMessageAsync(new SendMessageRequest(room, MessageId(runTag, n), "load " + n.ToString(CultureInfo.InvariantCulture)), cancellationToken);
            Volatile.Write(ref entry.Acked, 1);
            Volatile.Write(ref entry.Settled, 1);
            Retire(n, entry);
            return true;
        }
        catch (HubException exception)
        {
            var code = exception.Message[(exception.Message.LastIndexOf(':') + 1)..].Trim();
            errors.Add(code);
        }
        catch (Exception exception)
        {
            errors.Add(exception.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref entry.Settled, 1);
        }
        return false;
    }

    /// <summary>
    /// Takes out the messages of one run tag, so a long run can verify and forget them window by
    /// window while the next window sends: the driver's memory stays bounded.
    /// </summary>
    public Harvested Harvest(string runTag)
    {
        var acked = new Dictionary<long, long>();
        long total = 0, undelivered = 0, unsettled = 0;
        // Under the lock that retires: a message is counted either in its tally or here, never twice.
        lock (retiring)
        {
            if (retired.Remove(runTag, out var ackedByRoom))
            {
                for (var room = 1; room < ackedByRoom.Length; room++)
                {
                    if (ackedByRoom[room] > 0)
                        acked[room] = ackedByRoom[room];
                    total += ackedByRoom[room];
                }
            }
            foreach (var (n, entry) in pending)
            {
                if (entry.RunTag != runTag || !pending.TryRemove(n, out _))
                    continue;
                entry.Retired = true;
                if (Volatile.Read(ref entry.Settled) == 0)
                    unsettled++;
                if (Volatile.Read(ref entry.Acked) == 0)
                    continue;
                total++;
                acked[entry.RoomId] = acked.GetValueOrDefault(entry.RoomId) + 1;
                if (Volatile.Read(ref entry.Delivered) == 0)
                    undelivered++;
            }
        }
        return new Harvested(acked, total, undelivered, unsettled);
    }

    public long UndeliveredNow(string runTag) =>
        pending.Values.Count(e => e.RunTag == runTag && e.Acked == 1 && Volatile.Read(ref e.Delivered) == 0);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(first.Concat(second).Select(c => c.DisposeAsync().AsTask()));
    }
}
