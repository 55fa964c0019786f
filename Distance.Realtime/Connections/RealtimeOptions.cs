using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Connections;

public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Largest hub message a client may send; a chat text is at most 500 characters.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaximumReceiveMessageSize { get; set; } = 16 * 1024;

    /// <summary>
    /// Bytes buffered towards a client that does not read; past it the server applies backpressure.
    /// 32 KB holds ~20 of the largest chat messages (500 Korean characters, ~1.6 KB as JSON).
    /// docs/security.md sums the per-connection budget.
    /// </summary>
    [Range(4096, 16 * 1024 * 1024)]
    public long TransportMaxBufferSize { get; set; } = 32 * 1024;

    /// <summary>
    /// A single send to a client that takes longer than this closes the connection. This is what
    /// stops a client that no longer reads its socket (a slow consumer) from making the node buffer
    /// its messages without bound: once the kernel's socket buffers and
    /// <see cref="TransportMaxBufferSize"/> are full, the node gives it this long, then drops it
    /// (the slow-consumer drill measures the effect). SignalR's default, stated here on purpose.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan TransportSendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bytes kept per connection for a stateful reconnect to the same node (a blip of a few
    /// seconds). 32 KB is ~20 large messages, more than a few seconds of one member's traffic;
    /// a longer gap is closed by SyncRoom, as the contract says.
    /// </summary>
    [Range(0, 16 * 1024 * 1024)]
    public long StatefulReconnectBufferSize { get; set; } = 32 * 1024;

    /// <summary>
    /// How hub sends cross nodes: <see cref="RealtimeBackplane.ClusterBus"/> (one Redis
    /// subscription per node; every node reads every send) or <see cref="RealtimeBackplane.SignalR"/>
    /// (SignalR's Redis backplane: subscriptions per connection, member and group; ~10 KB more per
    /// held connection, but a node reads only what is for its connections — for many nodes).
    /// Every node of a deployment must use the same one.
    /// </summary>
    [EnumDataType(typeof(RealtimeBackplane))]
    public RealtimeBackplane Backplane { get; set; } = RealtimeBackplane.ClusterBus;

    /// <summary>Live hub connections one member may hold across all nodes; a further one closes the oldest.</summary>
    [Range(1, 100)]
    public int MaxConnectionsPerMember { get; set; } = 5;
}

public enum RealtimeBackplane
{
    ClusterBus,
    SignalR,
}
