using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Realtime;

public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Largest hub message a client may send; a chat text is at most 500 characters.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaximumReceiveMessageSize { get; set; } = 16 * 1024;

    /// <summary>Bytes buffered for a client that does not read; past it the server applies backpressure.</summary>
    [Range(4096, 16 * 1024 * 1024)]
    public long TransportMaxBufferSize { get; set; } = 64 * 1024;

    /// <summary>Messages kept for a client's stateful reconnect to the same node.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public long StatefulReconnectBufferSize { get; set; } = 100_000;
}
