using System.Diagnostics;
using Distance.Client;
using Distance.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Drills;

/// <summary>One reconnect of a client: when the loss was noticed, when SignalR was back, when SyncRoom had caught up.</summary>
public sealed record Reconnect(double LostAt, double ReconnectedAt, double CaughtUpAt, int CaughtUpMessages);

/// <summary>
/// A member's <see cref="ChatClient"/> through a failover proxy: the contract's client (automatic
/// reconnect, then SyncRoom from the last seq it delivered). Records every seq it has seen and how
/// long each reconnect took; live deliveries go to the ledger, synced ones only to the seen set.
/// </summary>
public sealed class DrillClient
{
    private readonly Stopwatch clock;
    private readonly Lock gate = new();
    private readonly HashSet<long> seen = [];
    private readonly List<Reconnect> reconnects = [];
    private double lostAt = -1;
    private double reconnectedAt = -1;
    private int closedForGood;
    private int syncFailures;
    private bool stopping;

    public DrillClient(DrillMember member, long roomId, Uri entry, Stopwatch clock, Action<DrillClient, ChatMessage> onLive)
    {
        Member = member;
        RoomId = roomId;
        this.clock = clock;
        Chat = new ChatClient(new Uri(entry, ChatHubNames.Path), new ChatClientOptions
        {
            // One request per connection attempt, so a balancer without stickiness can route it.
            SkipNegotiation = true,
            AccessTokenProvider = () => Task.FromResult<string?>(member.Token),
            RetryPolicy = new QuickRetries(),
        });
        Chat.TrackRoom(roomId, 0);
        Chat.MessageReceived += message =>
        {
            if (message.RoomId != RoomId)
                return;
            lock (gate)
                seen.Add(message.Seq);
            if (!Chat.DeliveringFromSync)
                onLive(this, message);
        };
        Chat.SyncFailed += (_, _) => Interlocked.Increment(ref syncFailures);
        Chat.Connection.Reconnecting += _ =>
        {
            lock (gate)
                (lostAt, reconnectedAt) = (clock.Elapsed.TotalMilliseconds, -1);
            return Task.CompletedTask;
        };
        Chat.Connection.Reconnected += _ =>
        {
            lock (gate)
                reconnectedAt = clock.Elapsed.TotalMilliseconds;
            return Task.CompletedTask;
        };
        Chat.Synced += brought =>
        {
            // The SyncRoom round after a reconnect (the one after the first connect has no loss before it).
            lock (gate)
                if (lostAt >= 0)
                {
                    var now = clock.Elapsed.TotalMilliseconds;
                    reconnects.Add(new Reconnect(lostAt, reconnectedAt >= 0 ? reconnectedAt : now, now, brought));
                    lostAt = -1;
                }
        };
        Chat.Connection.Closed += _ =>
        {
            if (!Volatile.Read(ref stopping))
                Interlocked.Increment(ref closedForGood);
            return Task.CompletedTask;
        };
    }

    public DrillMember Member { get; }
    public long RoomId { get; }
    public ChatClient Chat { get; }
    public HubConnection Connection => Chat.Connection;
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

    /// <summary>Connects and syncs the room (the contract: SyncRoom after every connect).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Chat.StartAsync(cancellationToken);

    /// <summary>Closes the connection on purpose (not counted as giving up).</summary>
    public async Task StopAsync()
    {
        Volatile.Write(ref stopping, true);
        await Chat.DisposeAsync();
    }

    /// <summary>Syncs the room once more; throws when SyncRoom failed.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var failuresBefore = Volatile.Read(ref syncFailures);
        await Chat.CatchUpAsync(cancellationToken);
        if (Volatile.Read(ref syncFailures) != failuresBefore)
            throw new InvalidOperationException($"SyncRoom failed for room {RoomId}");
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
