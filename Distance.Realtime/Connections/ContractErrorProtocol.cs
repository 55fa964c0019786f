using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Distance.Realtime.Connections;

/// <summary>
/// The contract says a failed hub call's error is exactly a code ("room_not_found"). SignalR sends
/// a HubException's message behind a fixed prefix ("An unexpected error occurred invoking 'X' on
/// the server. HubException: room_not_found"), so this wrapper around each hub protocol rewrites
/// completion errors as they are written: a contract code behind the prefix is kept alone; what
/// SignalR itself refuses before our code runs (arguments that do not bind, an unknown method, a
/// streaming call) is the client's mistake, "message_invalid"; any other unexpected failure is
/// "unavailable" (logged by ChatHubFilter), so a client can always switch on the error.
/// </summary>
internal sealed class ContractErrorProtocol(IHubProtocol inner) : IHubProtocol
{
    private const string Marker = "HubException: ";
    private const string Unexpected = "An unexpected error occurred";

    /// <summary>The codes the contract lets a hub call fail with.</summary>
    public static readonly IReadOnlySet<string> HubCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        ErrorCodes.MessageInvalid, ErrorCodes.RoomNotFound, ErrorCodes.RoomInactive, ErrorCodes.RateLimited, ErrorCodes.Unavailable,
    };

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    /// <summary>
    /// A complete message of a type the protocol does not know is skipped (forward compatibility),
    /// but reported as "nothing parsed"; with a maximum message size set, SignalR then keeps the
    /// skipped bytes and parses them again on every read, so the connection never processes
    /// another message (found by the hub fuzz tests). Reporting it as a ping moves past it.
    /// </summary>
    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var before = input.Length;
        if (inner.TryParseMessage(ref input, binder, out message))
            return true;
        if (input.Length == before)
            return false; // an incomplete message: wait for more bytes
        message = PingMessage.Instance;
        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(Rewrite(message));

    private static HubMessage Rewrite(HubMessage message) =>
        message is CompletionMessage { Error: { } error, InvocationId: { } invocationId } && !HubCodes.Contains(error)
            ? CompletionMessage.WithError(invocationId, ToCode(error))
            : message;

    public static string ToCode(string error)
    {
        var at = error.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0 && HubCodes.Contains(error[(at + Marker.Length)..]))
            return error[(at + Marker.Length)..];
        return error.StartsWith(Unexpected, StringComparison.Ordinal) ? ErrorCodes.Unavailable : ErrorCodes.MessageInvalid;
    }
}
