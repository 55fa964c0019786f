using System.Diagnostics;
using System.Globalization;
using Distance.Load.Chat;
using Distance.Load.Common;

namespace Distance.Load.Soak;

/// <summary>
/// The chat side of a soak, window by window. Sends carry the tag of the current window; a window,
/// once rotated out and given <paramref name="grace"/> for its last acks and deliveries, is taken
/// out of <see cref="ChatPairs"/> and its acked messages are looked up in MariaDB (stored exactly
/// once). So the driver holds at most a window and a grace period of messages however long the
/// run, and a 30-minute soak reports loss minute by minute instead of once at the end.
/// </summary>
internal sealed class ChatWindows(ChatPairs pairs, string connectionString, TimeSpan grace, Func<string> status)
{
    private readonly List<Task> settling = [];
    private readonly Lock totals = new();
    private Window current = null!;
    private int number;

    private sealed record Window(int Number, string Tag, bool Counted, Latency Delivery, long Started);

    /// <summary>Delivery latency of every counted window together.</summary>
    public Latency Delivery { get; } = new("delivery");

    public long Acked { get; private set; }
    public long Lost { get; private set; }
    public long StoredUnacked { get; private set; }
    public long RoomsStoringTwice { get; private set; }
    public long Undelivered { get; private set; }
    public long Unsettled { get; private set; }

    /// <summary>The run tag sends should carry now (the first 8 hex digits of their client message ids).</summary>
    public string Tag => Volatile.Read(ref current).Tag;

    /// <summary>Starts a new window (<paramref name="counted"/>: reported and verified, or warm-up) and lets the previous one settle.</summary>
    public void Rotate(bool counted)
    {
        var next = new Window(counted ? ++number : 0, Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture), counted,
            new Latency("window"), Stopwatch.GetTimestamp());
        pairs.Delivery = next.Delivery;
        var previous = Interlocked.Exchange(ref current, next);
        if (previous is not null)
            settling.Add(SettleAsync(previous, Stopwatch.GetTimestamp(), grace));
    }

    /// <summary>After the last send: the current window settles at once (its sends have already drained), then every window is done.</summary>
    public async Task FinishAsync()
    {
        settling.Add(SettleAsync(current, Stopwatch.GetTimestamp(), TimeSpan.Zero));
        await Task.WhenAll(settling);
        pairs.Delivery = null;
    }

    private async Task SettleAsync(Window window, long ended, TimeSpan delay)
    {
        await Task.Delay(delay);
        // Deliveries still on their way get up to ten seconds more.
        for (var i = 0; i < 100 && pairs.UndeliveredNow(window.Tag) > 0; i++)
            await Task.Delay(100);
        var harvested = pairs.Harvest(window.Tag);
        if (!window.Counted)
            return;
        var (lost, extra, twice) = await ChatSeed.VerifyAsync(connectionString, window.Tag, pairs.Pairs, harvested.AckedByRoom, harvested.Acked);
        lock (totals)
        {
            Acked += harvested.Acked;
            Lost += lost;
            StoredUnacked += extra;
            RoomsStoringTwice += twice;
            Undelivered += harvested.Undelivered;
            Unsettled += harvested.Unsettled;
            Delivery.Add(window.Delivery);
        }
        var seconds = Stopwatch.GetElapsedTime(window.Started, ended).TotalSeconds;
        var d = window.Delivery;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"window {window.Number,3} ({seconds,4:F0} s)  delivered {d.Count / Math.Max(seconds, 1e-3),6:F0}/s  p50 {d.Milliseconds(50),7:F1}  p99 {d.Milliseconds(99),7:F1}  max {d.MaxMilliseconds,7:F1} ms  " +
            $"acked {harvested.Acked}  undelivered {harvested.Undelivered}  lost {lost}  stored twice {twice}  unsettled {harvested.Unsettled}  | {status()}"));
    }
}
