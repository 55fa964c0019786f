using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Drills;

/// <summary>One reconnect of a client: when the loss was noticed, when SignalR was back, when SyncRoom had caught up.</summary>
public sealed record Reconnect(double LostAt, double ReconnectedAt, double CaughtUpAt, int CaughtUpMessages);

/// <summary>
/// A member's hub connection through a failover proxy, behaving like the contract's client: SignalR
/// automatic reconnect, then SyncRoom from the last seq it holds. Records every seq it has seen
/// (live or synced), and how long each reconnect took.
/// </summary>
public sealed class DrillClient
{
    private readonly Stopwatch clock;
    private readonly Lock gate = new();
    private readonly SortedSet<long> seen = [];
    private readonly List<Reconnect> reconnects = [];
    private double lostAt = -1;

    public DrillClient(DrillMember member, long roomId, Uri entry, Stopwatch clock, Action<DrillClient, ChatMessage> onLive)
    {
        Member = member;
        RoomId = roomId;
        this.clock = clock;
        Connection = new HubConnectionBuilder()
            .WithUrl(new Uri(entry, "/hubs/chat"), options =>
            {
                // One request per connection attempt, so a balancer without stickiness can route it.
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(member.Token);
            })
            .WithAutomaticReconnect(new QuickRetries())
            .Build();
        Connection.On<ChatMessage>("MessageReceived", message =>
        {
            if (message.RoomId != RoomId)
                return;
            lock (gate)
                seen.Add(message.Seq);
            onLive(this, message);
        });
        Connection.Reconnecting += _ =>
        {
            lock (gate)
                lostAt = clock.Elapsed.TotalMilliseconds;
            return Task.CompletedTask;
        };
        Connection.Reconnected += _ => CatchUpAfterReconnectAsync();
        Connection.Closed += _ =>
        {
            if (!Volatile.Read(ref stopping))
                Interlocked.Increment(ref closedForGood);
            return Task.CompletedTask;
        };
    }

    private int closedForGood;
    private bool stopping;

    public DrillMember Member { get; }
    public long RoomId { get; }
    public HubConnection Connection { get; }
    public bool GaveUp => Volatile.Read(ref closedForGood) > 0;

    public IReadOnlyList<Reconnect> Reconnects
    {
        get
        {
            lock (gate)
                return reconnects.ToList();
        }
    }

    public IReadOnlySet<long> Seen
    {
        get
        {
            lock (gate)
                return seen.ToHashSet();
        }
    }

    /// <summary>Closes the connection on purpose (not counted as giving up).</summary>
    public async Task StopAsync()
    {
        Volatile.Write(ref stopping, true);
        await Connection.DisposeAsync();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Connection.StartAsync(cancellationToken);
        await SyncAsync(cancellationToken); // the contract: SyncRoom after every connect
    }

    /// <summary>Pages through SyncRoom from the highest seq before the first gap; returns how many messages it brought.</summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken)
    {
        var brought = 0;
        while (true)
        {
            long after;
            lock (gate)
                after = ContiguousPrefix();
            var page = await Connection.InvokeAsync<List<ChatMessage>>("SyncRoom", RoomId, after, cancellationToken);
            lock (gate)
                foreach (var message in page)
                    brought += seen.Add(message.Seq) ? 1 : 0;
            if (page.Count < 200)
                return brought;
        }
    }

    private long ContiguousPrefix()
    {
        long expected = 1;
        foreach (var seq in seen)
        {
            if (seq != expected)
                break;
            expected++;
        }
        return expected - 1;
    }

    private async Task CatchUpAfterReconnectAsync()
    {
        var reconnectedAt = clock.Elapsed.TotalMilliseconds;
        int brought;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            brought = await SyncAsync(timeout.Token);
        }
        catch (Exception)
        {
            brought = -1; // the final sync of the drill will tell whether anything is missing
        }
        lock (gate)
            reconnects.Add(new Reconnect(lostAt, reconnectedAt, clock.Elapsed.TotalMilliseconds, brought));
    }

    /// <summary>Retry at once, then quickly with jitter; give up after a minute (the drill then fails).</summary>
    private sealed class QuickRetries : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime > TimeSpan.FromSeconds(60) ? null
            : context.PreviousRetryCount == 0 ? TimeSpan.Zero
            : TimeSpan.FromMilliseconds(Math.Min(1000, 100 * context.PreviousRetryCount) + Random.Shared.Next(100));
    }
}
