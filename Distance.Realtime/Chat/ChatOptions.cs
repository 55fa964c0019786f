using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Chat;

/// <summary>Chat tuning (section "Chat"); the defaults suit a 2-core node. docs/chat.md explains each.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>
    /// Batch writers per node. Rooms are sharded over them by id, so one room's messages keep their
    /// order on a node. One per node: every writer commits whatever has queued while it committed
    /// last, so more writers mean smaller batches and more statements per message (with two, MariaDB
    /// spent 22-30 % more CPU per message at 1,000-3,000 msg/s over two nodes, at no better latency;
    /// docs/benchmarks.md). More can pay where one commit's round trip is long against its work.
    /// </summary>
    [Range(1, 16)]
    public int Writers { get; set; } = 1;

    /// <summary>Most messages one transaction commits.</summary>
    [Range(1, 2000)]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Messages that may wait for a commit per writer; a full queue makes senders wait, then fail with "unavailable".</summary>
    [Range(1, 1_000_000)]
    public int WriteQueueCapacity { get; set; } = 4096;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time one attempt of a batch commit may take before it is abandoned and retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan WriteAttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    [Range(1, 10)]
    public int WriteRetries { get; set; } = 2;

    /// <summary>How long the write circuit stays open (sends fail at once with "unavailable") after MariaDB failures.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan WriteBreakDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Lifetime of a room's cached access rule in Redis (it is rewritten on every change anyway).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan RoomCacheTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A connection counts as present this long after its node last refreshed it (a killed node's connections fade out).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(90);

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan PresenceRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
