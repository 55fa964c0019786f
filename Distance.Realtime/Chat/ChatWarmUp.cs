using System.Buffers;
using Distance.Data.Messages;
using Distance.Realtime.Observability;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Chat;

/// <summary>
/// The send path of <see cref="ChatHub.SendMessage"/>, run before readiness (<see cref="WarmUp"/>)
/// for rooms that cannot exist, so it leaves nothing behind: the hub method's rate limit (a bucket of
/// a member id no member has, which expires by itself), the room cache (the "no such room" entries
/// are removed afterwards), the writer (its batch finds no room: an empty transaction, no row), the
/// broadcast (to the group of a room nobody is in: a backplane publish no node subscribed to), and
/// the hub protocols' parsing of the call and writing of its ack.
/// </summary>
internal sealed class ChatWarmUp(
    HubRateLimiter limiter, RoomDirectory directory, MessageWriter writer, IHubContext<ChatHub, IChatClient> hub,
    IHubProtocolResolver protocols, IOptions<ChatOptions> options) : IWarmUpStep
{
    // Room ids count up from 1: these are never reached. One per writer, so every writer loop commits.
    private readonly long[] rooms = Enumerable.Range(0, options.Value.Writers).Select(i => long.MaxValue - i).ToArray();
    private const string Member = "warm-up";
    private const long Sender = 0;
    private const string Text = "warm-up";

    public Task RoundAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(rooms.Select(room => SendAsync(room, cancellationToken)));

    public Task CleanUpAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(rooms.Select(room => directory.ForgetAsync(room)));

    private async Task SendAsync(long roomId, CancellationToken cancellationToken)
    {
        using (await limiter.AcquireAsync(ChatHubNames.SendMessage, Member, cancellationToken))
        {
        }
        if (await directory.FindAsync(roomId, cancellationToken) is not null)
            throw new InvalidOperationException($"Room {roomId} exists; the warm-up only sends to rooms that do not.");
        var clientMessageId = Guid.NewGuid();
        var result = await writer.WriteAsync(new NewTextMessage(roomId, Sender, Text, clientMessageId), cancellationToken);
        if (result.Outcome != AppendOutcome.RoomNotFound)
            throw new InvalidOperationException($"The warm-up's message to room {roomId} was {result.Outcome}.");

        var message = new ChatMessage(roomId, 1, Sender, MessageRow.TextKind, Text, DateTime.UtcNow, clientMessageId.ToString("D"));
        await hub.Clients.Group(RoomGroups.Of(roomId)).MessageReceived(message);
        foreach (var protocol in protocols.AllProtocols)
            RoundTrip(protocol, new SendMessageRequest(roomId, message.ClientMessageId, Text), new MessageAck(roomId, 1, message.SentAt));
    }

    /// <summary>What the hub does with the bytes of a SendMessage call and its answer, in this protocol.</summary>
    private static void RoundTrip(IHubProtocol protocol, SendMessageRequest request, MessageAck ack)
    {
        var call = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new InvocationMessage("1", ChatHubNames.SendMessage, [request]), call);
        var bytes = new ReadOnlySequence<byte>(call.WrittenMemory);
        if (!protocol.TryParseMessage(ref bytes, SendMessageBinder.Instance, out var parsed) || parsed is not InvocationMessage)
            throw new InvalidOperationException($"The {protocol.Name} protocol did not read back a SendMessage call.");
        protocol.WriteMessage(CompletionMessage.WithResult("1", ack), new ArrayBufferWriter<byte>());
    }

    private sealed class SendMessageBinder : IInvocationBinder
    {
        public static readonly SendMessageBinder Instance = new();

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(SendMessageRequest)];

        public Type GetReturnType(string invocationId) => typeof(MessageAck);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
