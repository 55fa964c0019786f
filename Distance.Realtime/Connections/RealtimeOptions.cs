using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Connections;

public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Largest hub message a client may send; a chat text is at most 500 characters.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaximumReceiveMessageSize { get; set; } = 16 * 1024;

    /// <summary>Bytes buffered for a client that does not read; past it the server applies backpressure.</summary>
    [Range(4096, 16 * 1024 * 1024)]
    public long TransportMaxBufferSize { get; set; } = 64 * 1024;

    /// <summary>
    /// A single send to a client that takes longer than this closes the connection. This is what
    /// stops a client that no longer reads its socket (a slow consumer) from making the node buffer
    /// its messages without bound: once the kernel's socket buffers and
    /// <see cref="TransportMaxBufferSize"/> are full, the node gives it this long, then drops it
    /// (the slow-consumer drill measures the effect). SignalR's default, stated here on purpose.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan TransportSendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages kept for a client's stateful reconnect to the same node.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public long StatefulReconnectBufferSize { get; set; } = 100_000;
}
