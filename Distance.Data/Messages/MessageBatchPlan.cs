namespace Distance.Data.Messages;

/// <summary>A text message on its way into a room.</summary>
public sealed record NewTextMessage(long RoomId, long SenderId, string Text, Guid ClientMessageId);

public enum AppendOutcome
{
    /// <summary>Stored by this batch: broadcast it.</summary>
    Stored,
    /// <summary>A resend of a message stored earlier: same ack, no broadcast.</summary>
    Duplicate,
    RoomNotFound,
    RoomInactive,
    /// <summary>Another member already used this client message id in the room.</summary>
    IdConflict,
}

/// <summary>The fate of one message of a batch; <see cref="RecipientId"/> is the other member of the room.</summary>
public sealed record AppendResult(AppendOutcome Outcome, long Seq = 0, DateTime SentAt = default, long RecipientId = 0);

/// <summary>A room row as the batch locked it.</summary>
public sealed record LockedRoom(long Id, long MemberLow, long MemberHigh, string Status, long LastSeq, long? LastSenderId, int Exchanges);

/// <summary>A message that already exists under a (room, client message id) of the batch.</summary>
public sealed record ExistingMessage(long RoomId, Guid ClientMessageId, long Seq, long? SenderId, DateTime SentAt);

/// <summary>
/// The pure part of a batch append: given the locked rooms and the messages that already exist,
/// assigns each room its next seqs without gaps, counts exchanges (sender changes between
/// consecutive text messages) and decides every message's outcome. No I/O, so it is easy to test.
/// </summary>
public sealed class MessageBatchPlan
{
    private MessageBatchPlan(IReadOnlyList<AppendResult> results, IReadOnlyList<InsertRow> inserts, IReadOnlyList<LockedRoom> rooms, IReadOnlyList<ReadRow> reads)
    {
        Results = results;
        Inserts = inserts;
        RoomUpdates = rooms;
        ReadUpdates = reads;
    }

    public IReadOnlyList<AppendResult> Results { get; }
    public IReadOnlyList<InsertRow> Inserts { get; }
    public IReadOnlyList<LockedRoom> RoomUpdates { get; }
    public IReadOnlyList<ReadRow> ReadUpdates { get; }

    public sealed record InsertRow(long RoomId, long Seq, long SenderId, string Text, Guid ClientMessageId);

    /// <summary>A sender has read everything up to its own message, so its own messages never count as unread.</summary>
    public sealed record ReadRow(long RoomId, long MemberId, long Seq);

    /// <param name="sentAt">The batch's timestamp. An existing row carrying exactly it was written by an
    /// earlier attempt of this same batch whose commit answer was lost: it counts as stored, not as a resend.</param>
    public static MessageBatchPlan Create(
        IReadOnlyList<NewTextMessage> batch, IEnumerable<LockedRoom> lockedRooms, IEnumerable<ExistingMessage> existing, DateTime sentAt)
    {
        var rooms = lockedRooms.ToDictionary(r => r.Id);
        var known = existing.ToDictionary(e => (e.RoomId, e.ClientMessageId));
        var planned = new Dictionary<(long, Guid), AppendResult>();
        var results = new AppendResult[batch.Count];
        var inserts = new List<InsertRow>();
        var touched = new Dictionary<long, LockedRoom>();
        var reads = new Dictionary<(long, long), long>();

        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            var key = (message.RoomId, message.ClientMessageId);
            if (!rooms.TryGetValue(message.RoomId, out var room) || (message.SenderId != room.MemberLow && message.SenderId != room.MemberHigh))
            {
                results[i] = new AppendResult(AppendOutcome.RoomNotFound);
                continue;
            }

            var recipient = message.SenderId == room.MemberLow ? room.MemberHigh : room.MemberLow;
            if (known.TryGetValue(key, out var previous))
            {
                results[i] = previous.SenderId != message.SenderId
                    ? new AppendResult(AppendOutcome.IdConflict)
                    : new AppendResult(previous.SentAt == sentAt ? AppendOutcome.Stored : AppendOutcome.Duplicate, previous.Seq, previous.SentAt, recipient);
                known.Remove(key); // a second copy within the batch is a plain resend
                planned[key] = AsResend(results[i]);
                continue;
            }
            if (planned.TryGetValue(key, out var earlier))
            {
                results[i] = earlier;
                continue;
            }

            var current = touched.GetValueOrDefault(room.Id, room);
            if (current.Status != "active")
            {
                results[i] = new AppendResult(AppendOutcome.RoomInactive);
                continue;
            }

            var seq = current.LastSeq + 1;
            var changedSender = current.LastSenderId is { } last && last != message.SenderId;
            touched[room.Id] = current with
            {
                LastSeq = seq,
                LastSenderId = message.SenderId,
                Exchanges = current.Exchanges + (changedSender ? 1 : 0),
            };
            inserts.Add(new InsertRow(room.Id, seq, message.SenderId, message.Text, message.ClientMessageId));
            reads[(room.Id, message.SenderId)] = seq;
            results[i] = new AppendResult(AppendOutcome.Stored, seq, sentAt, recipient);
            planned[key] = AsResend(results[i]);
        }

        return new MessageBatchPlan(
            results, inserts, touched.Values.ToList(),
            reads.Select(r => new ReadRow(r.Key.Item1, r.Key.Item2, r.Value)).ToList());
    }

    private static AppendResult AsResend(AppendResult result) =>
        result.Outcome == AppendOutcome.Stored ? result with { Outcome = AppendOutcome.Duplicate } : result;
}
