using Distance.Data.Members;
using Distance.Data.Rooms;
using Distance.Realtime.Chat;
using Distance.Realtime.Members;

namespace Distance.Realtime.Rooms;

/// <summary>Builds the contract's room summaries and request views from rows and public profiles.</summary>
public sealed class RoomViews(RoomRepository rooms, RoomRequestRepository requests, PublicProfileRepository profiles)
{
    /// <summary>A page of the member's room list; null when <paramref name="beforeRoomId"/> is not one of their rooms.</summary>
    public async Task<IReadOnlyList<RoomSummary>?> ListAsync(long memberId, long? beforeRoomId, int limit, CancellationToken cancellationToken)
    {
        var rows = await rooms.SummariesAsync(memberId, beforeRoomId, limit, cancellationToken);
        return rows?.Select(ToSummary).ToList();
    }

    /// <summary>The room as <paramref name="memberId"/> sees it; null when not a member (see <see cref="RoomRepository.SummaryAsync"/>).</summary>
    public Task<RoomSummary?> FindAsync(long memberId, long roomId, CancellationToken cancellationToken) =>
        FindAsync(memberId, roomId, false, cancellationToken);

    public async Task<RoomSummary?> FindAsync(long memberId, long roomId, bool includeLeft, CancellationToken cancellationToken)
    {
        var row = await rooms.SummaryAsync(memberId, roomId, includeLeft, cancellationToken);
        return row is null ? null : ToSummary(row);
    }

    public async Task<IReadOnlyList<RoomRequestView>> IncomingAsync(long memberId, CancellationToken cancellationToken)
    {
        var rows = await requests.IncomingAsync(memberId, cancellationToken);
        var senders = await profiles.FindAsync(rows.Select(r => r.FromMemberId).Distinct().ToList(), cancellationToken);
        // A request from a member deleted meanwhile is not shown.
        return rows.Where(r => senders.ContainsKey(r.FromMemberId))
            .Select(r => new RoomRequestView(r.Id, PublicProfile.From(senders[r.FromMemberId]), r.CreatedAt))
            .ToList();
    }

    public async Task<RoomRequestView?> RequestAsync(long requestId, CancellationToken cancellationToken)
    {
        var row = await requests.FindAsync(requestId, cancellationToken);
        var sender = row is null ? null : await profiles.FindAsync(row.FromMemberId, cancellationToken);
        return row is null || sender is null ? null : new RoomRequestView(row.Id, PublicProfile.From(sender), row.CreatedAt);
    }

    // The profile comes with the row (one statement per page): null when the opponent was deleted.
    private static RoomSummary ToSummary(RoomSummaryRow row) => new(
        row.RoomId,
        row.Status,
        row.Opponent is { } opponent ? PublicProfile.From(opponent) : null,
        row.LastMessage is null ? null : ChatMessage.From(row.LastMessage),
        row.LastSeq,
        Math.Max(0, row.LastSeq - row.ReadSeq),
        row.Exchanges,
        row.PhoneShared,
        row.CreatedAt);
}
