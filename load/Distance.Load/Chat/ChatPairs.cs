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
    private readonly ConcurrentDictionary<Guid, Pending> pending = new();
    private long sequence;

    public sealed class Pending(long scheduled, long roomId, string runTag)
    {
        public long Scheduled { get; } = scheduled;
        public long RoomId { get; } = roomId;
        public string RunTag { get; } = runTag;
        public int Acked;
        public int Delivered;
        public int Settled;
    }

    public int Pairs => first.Count;

    /// <summary>Messages sent and not yet harvested: what the driver holds.</summary>
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
        if (sender == member || clientMessageId is null || !Guid.TryParse(clientMessageId, out var id))
            return;
        if (!pending.TryGetValue(id, out var entry))
            return;
        if (Interlocked.Increment(ref entry.Delivered) > 1)
        {
            Interlocked.Increment(ref Duplicates);
            return;
        }
        Delivery?.Record(entry.Scheduled, true);
        Timeline?.Record(entry.Scheduled);
    }

    /// <summary>Sends message number n of the run: room n mod pairs, alternating direction.</summary>
    public async Task<bool> SendAsync(string runTag, long scheduled, StatusCounts errors, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref sequence) - 1;
        var index = (int)(n % Pairs);
        var room = index + 1L;
        var fromFirst = (n / Pairs) % 2 == 0;
        var client = fromFirst ? first[index] : second[index];
        var id = Guid.Parse(runTag + Guid.NewGuid().ToString("D")[8..]);
        var entry = new Pending(scheduled, room, runTag);
        pending[id] = entry;
        try
        {
            await client.SendMessageAsync(new SendMessageRequest(room, id.ToString("D"), "load " + n.ToString(CultureInfo.InvariantCulture)), cancellationToken);
            Interlocked.Exchange(ref entry.Acked, 1);
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
        foreach (var (id, entry) in pending)
        {
            if (entry.RunTag != runTag)
                continue;
            pending.TryRemove(id, out _);
            if (Volatile.Read(ref entry.Settled) == 0)
                unsettled++;
            if (Volatile.Read(ref entry.Acked) == 0)
                continue;
            total++;
            acked[entry.RoomId] = acked.GetValueOrDefault(entry.RoomId) + 1;
            if (Volatile.Read(ref entry.Delivered) == 0)
                undelivered++;
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
