using System.Globalization;
using System.IO.Pipelines;
using System.Security.Claims;
using Distance.Data.Messages;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using OpenTelemetry;

namespace Distance.Realtime.Chat;

/// <summary>
/// The hub's own path, run before readiness (<see cref="WarmUp"/>) through connections that never
/// leave the process: SignalR's connection handler over in-memory pipes, once per protocol and
/// round. Each connection does what a member's does in a surge: the handshake, OnConnected through
/// the hub filters (presence, the rooms query, the connection quota), a SendMessage call through
/// every hub filter to its answer, a MessageReceived written to it through its group, and the
/// hang-up (OnDisconnected). <see cref="ChatWarmUp"/> runs the send path's services directly, but a
/// cold surge still compiled ~3,500 methods of this layer (issue 20).
/// </summary>
/// <remarks>
/// It leaves nothing behind: each connection is a member id no member has (negative), so no
/// limit refuses it, no quota closes another and its presence and quota entries go with its
/// hang-up; its rate-limit bucket expires by itself; the room it writes to cannot exist (the
/// answer is "room_not_found", no row), and its "no such room" cache entry is removed; its calls
/// are not measured (<see cref="WarmUpConnection"/>) nor traced. The socket in front of the
/// handler is <see cref="ChatSocketWarmUp"/>'s.
/// </remarks>
internal sealed class ChatHubWarmUp(
    HubConnectionHandler<ChatHub> handler, IHubProtocolResolver protocols, IHubContext<ChatHub, IChatClient> hub,
    RoomDirectory directory) : IWarmUpStep
{
    // ChatWarmUp's rooms count down from long.MaxValue, one per writer: this one is below them all.
    private const long Room = long.MaxValue - 1024;
    private const string Text = "warm-up";
    private static readonly TimeSpan HangUpTimeout = TimeSpan.FromSeconds(2);

    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        foreach (var protocol in protocols.AllProtocols)
            await ConnectionAsync(protocol, cancellationToken);
    }

    public Task CleanUpAsync(CancellationToken cancellationToken) => directory.ForgetAsync(Room);

    private async Task ConnectionAsync(IHubProtocol protocol, CancellationToken cancellationToken)
    {
        var toHub = new Pipe();
        var fromHub = new Pipe();
        var client = new DuplexPipe(fromHub.Reader, toHub.Writer);
        var connection = new DefaultConnectionContext("warm-up-" + Guid.NewGuid().ToString("N"), new DuplexPipe(toHub.Reader, fromHub.Writer), client);
        connection.User = MemberNobodyIs();
        Task running;
        // The hub's activities and the commands it runs inherit this: a warm-up is not a trace.
        using (SuppressInstrumentationScope.Begin())
            running = handler.OnConnectedAsync(connection);

        try
        {
            HandshakeProtocol.WriteRequestMessage(new HandshakeRequestMessage(protocol.Name, protocol.Version), client.Output);
            await client.Output.FlushAsync(cancellationToken);
            await ReadHandshakeAsync(client.Input, cancellationToken);

            var request = new SendMessageRequest(Room, Guid.NewGuid().ToString("D"), Text);
            protocol.WriteMessage(new InvocationMessage("1", ChatHubNames.SendMessage, [request]), client.Output);
            await client.Output.FlushAsync(cancellationToken);
            var answer = (CompletionMessage)await ReadAsync(protocol, client.Input, m => m is CompletionMessage, cancellationToken);
            if (answer.Error != ErrorCodes.RoomNotFound)
                throw new InvalidOperationException($"The warm-up's SendMessage was answered \"{answer.Error ?? "ok"}\", not \"{ErrorCodes.RoomNotFound}\".");

            // OnConnected has run (the call waited for it): the connection can join and be written to.
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, RoomGroups.Of(Room), cancellationToken);
            await hub.Clients.Group(RoomGroups.Of(Room)).MessageReceived(
                new ChatMessage(Room, 1, null, MessageRow.TextKind, Text, DateTime.UtcNow, request.ClientMessageId));
            await ReadAsync(protocol, client.Input, m => m is InvocationMessage { Target: ChatHubNames.MessageReceived }, cancellationToken);
        }
        finally
        {
            // Hanging up ends the connection as a client's close does: OnDisconnected clears presence and quota.
            await client.Output.CompleteAsync();
            await running.WaitAsync(HangUpTimeout, CancellationToken.None);
            await client.Input.CompleteAsync();
        }
    }

    private static ClaimsPrincipal MemberNobodyIs()
    {
        var id = WarmUpMember.NewId().ToString(CultureInfo.InvariantCulture);
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(MemberClaims.MemberIdClaim, id), new Claim(MemberClaims.LoginIdClaim, id)], "warm-up"));
    }

    private static async Task ReadHandshakeAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (HandshakeProtocol.TryParseResponseMessage(ref buffer, out var response))
            {
                input.AdvanceTo(buffer.Start);
                if (response.Error is not null)
                    throw new InvalidOperationException($"The hub refused the warm-up's handshake: {response.Error}");
                return;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
                throw new InvalidOperationException("The hub hung up before its handshake answer.");
        }
    }

    /// <summary>Reads the hub's messages until one is <paramref name="wanted"/>; others (pings, other nodes' warm-up broadcasts) are skipped.</summary>
    private static async Task<HubMessage> ReadAsync(IHubProtocol protocol, PipeReader input, Func<HubMessage, bool> wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (protocol.TryParseMessage(ref buffer, Binder.Instance, out var message))
            {
                if (message is CloseMessage close)
                    throw new InvalidOperationException($"The hub closed the warm-up's connection: {close.Error}");
                if (wanted(message))
                {
                    // Examined only up to here: what follows is read by the next call without new data.
                    input.AdvanceTo(buffer.Start);
                    return message;
                }
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
                throw new InvalidOperationException("The hub hung up before its answer.");
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>The types a client of /hubs/chat reads: SendMessage's ack and MessageReceived's message.</summary>
    private sealed class Binder : IInvocationBinder
    {
        public static readonly Binder Instance = new();

        public IReadOnlyList<Type> GetParameterTypes(string methodName) =>
            methodName == ChatHubNames.MessageReceived ? [typeof(ChatMessage)] : throw new InvalidOperationException($"Unexpected {methodName}.");

        public Type GetReturnType(string invocationId) => typeof(MessageAck);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
