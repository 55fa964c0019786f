using System.Globalization;
using Distance.Data.Messages;
using Distance.Data.Rooms;
using Distance.Realtime.Errors;
using Distance.Realtime.Observability;
using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

/// <summary>What the hub's client → server methods do; HubException messages are contract codes.</summary>
public sealed class ChatCommands(
    RoomDirectory directory, MessageWriter writer, MessageRepository messages,
    IHubContext<ChatHub, IChatClient> hub, DistanceMetrics metrics)
{
    public const int SyncPageSize = 200;

    /// <summary>
    /// Membership and status come from Redis (no MariaDB round trip), then the writer commits the
    /// message in a batch and the ack is returned only after that commit.
    /// </summary>
    public async Task<MessageAck> SendAsync(long memberId, SendMessageRequest? request, CancellationToken cancellationToken)
    {
        if (request is null
            || !MessageText.TryParseClientMessageId(request.ClientMessageId, out var clientMessageId)
            || !MessageText.TryNormalize(request.Text, out var text))
            throw new HubException(ErrorCodes.MessageInvalid);
        await RequireAccessAsync(request.RoomId, memberId, requireActive: true, cancellationToken);
        metrics.MessagesReceived.Add(1);

        var result = await writer.WriteAsync(new NewTextMessage(request.RoomId, memberId, text, clientMessageId), cancellationToken);
        return result.Outcome switch
        {
            AppendOutcome.Stored or AppendOutcome.Duplicate => new MessageAck(request.RoomId, result.Seq, result.SentAt),
            AppendOutcome.RoomInactive => throw new HubException(ErrorCodes.RoomInactive),
            AppendOutcome.IdConflict => throw new HubException(ErrorCodes.MessageInvalid),
            _ => throw new HubException(ErrorCodes.RoomNotFound),
        };
    }

    public async Task MarkReadAsync(long memberId, long roomId, long seq, CancellationToken cancellationToken)
    {
        if (seq < 0)
            throw new HubException(ErrorCodes.MessageInvalid);
        var access = await RequireAccessAsync(roomId, memberId, requireActive: false, cancellationToken);
        if (!await MarkReadAsync(access, memberId, seq, cancellationToken))
            throw new HubException(ErrorCodes.RoomNotFound);
    }

    /// <summary>Moves the read position (never back, never past the last seq) and tells both members; false for a non-member.</summary>
    public async Task<bool> MarkReadAsync(RoomAccess access, long memberId, long seq, CancellationToken cancellationToken)
    {
        var readSeq = await messages.MarkReadAsync(access.RoomId, memberId, seq, cancellationToken);
        if (readSeq is null)
            return false;
        // Users rather than the room group: read receipts matter in inactive rooms too.
        var members = access.Members.Append(memberId).Distinct().Select(m => m.ToString(CultureInfo.InvariantCulture)).ToList();
        await hub.Clients.Users(members).MessagesRead(access.RoomId, memberId, readSeq.Value);
        return true;
    }

    /// <summary>Up to 200 messages after <paramref name="afterSeq"/>, ascending, from MariaDB (every acked message is there).</summary>
    public async Task<IReadOnlyList<ChatMessage>> SyncAsync(long memberId, long roomId, long afterSeq, CancellationToken cancellationToken)
    {
        if (afterSeq < 0)
            throw new HubException(ErrorCodes.MessageInvalid);
        await RequireAccessAsync(roomId, memberId, requireActive: false, cancellationToken);
        var rows = await messages.AfterAsync(roomId, afterSeq, null, SyncPageSize, cancellationToken);
        return rows.Select(ChatMessage.From).ToList();
    }

    private async Task<RoomAccess> RequireAccessAsync(long roomId, long memberId, bool requireActive, CancellationToken cancellationToken)
    {
        var access = roomId > 0 ? await directory.FindAsync(roomId, cancellationToken) : null;
        if (access is null || !access.IsMember(memberId))
            throw new HubException(ErrorCodes.RoomNotFound);
        if (requireActive && !access.Active)
            throw new HubException(ErrorCodes.RoomInactive);
        return access;
    }
}
