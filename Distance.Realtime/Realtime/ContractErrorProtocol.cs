using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Distance.Realtime.Realtime;

/// <summary>
/// The contract says a failed hub call's error is exactly a code ("room_not_found"). SignalR sends
/// a HubException's message behind a fixed prefix ("An unexpected error occurred invoking 'X' on
/// the server. HubException: room_not_found"), so this wrapper around each hub protocol strips
/// that prefix from completion errors as they are written. Any other error (which never carries
/// "HubException: " while detailed errors are off) passes through untouched.
/// </summary>
internal sealed class ContractErrorProtocol(IHubProtocol inner) : IHubProtocol
{
    private const string Marker = "HubException: ";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
        inner.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(Rewrite(message));

    private static HubMessage Rewrite(HubMessage message)
    {
        if (message is not CompletionMessage { Error: { } error, InvocationId: { } invocationId })
            return message;
        var at = error.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? message : CompletionMessage.WithError(invocationId, error[(at + Marker.Length)..]);
    }
}
