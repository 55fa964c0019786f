using System.Net;
using System.Text;
using Distance.Contracts;

namespace Distance.Client;

/// <summary>What POST /api/rooms or accepting a request gave: a room (created now, or the existing one), or a waiting request.</summary>
public sealed record RoomOpening(HttpStatusCode Status, RoomSummary? Room, RoomRequestView? Request)
{
    public bool Created => Status == HttpStatusCode.Created;
}

public sealed partial class DistanceApiClient
{
    /// <summary>
    /// POST /api/rooms: 201 a new room, 200 the room that already joins the two, 202 a request when
    /// the opponent is full. Errors (403 student_unverified, 404 member_not_found, 409 room_limit_reached) throw.
    /// </summary>
    public async Task<RoomOpening> OpenRoomAsync(long memberId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/rooms", new CreateRoomBody(memberId), cancellationToken);
        return response.StatusCode == HttpStatusCode.Accepted
            ? new RoomOpening(response.StatusCode, null, (await ReadBodyAsync<RequestResponse>(response, cancellationToken)).Request)
            : new RoomOpening(response.StatusCode, (await ReadBodyAsync<RoomResponse>(response, cancellationToken)).Room, null);
    }

    /// <summary>GET /api/rooms: most recent activity first.</summary>
    public Task<IReadOnlyList<RoomSummary>> GetRoomsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<RoomSummary>>("/api/rooms", cancellationToken);

    /// <summary>
    /// GET /api/rooms/{id}/messages, ascending by seq: after <paramref name="afterSeq"/> when given,
    /// else the newest page (before <paramref name="beforeSeq"/> when given). A short page is the last.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(
        long roomId, long? afterSeq = null, long? beforeSeq = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder("/api/rooms/").Append(Id(roomId)).Append("/messages?limit=").Append(Id(limit));
        if (afterSeq is { } after)
            path.Append("&afterSeq=").Append(Id(after));
        if (beforeSeq is { } before)
            path.Append("&beforeSeq=").Append(Id(before));
        return (await GetAsync<MessagesPage>(path.ToString(), cancellationToken)).Messages;
    }

    /// <summary>POST /api/rooms/{id}/read → 204 (the read position never moves back).</summary>
    public Task MarkReadAsync(long roomId, long seq, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, $"/api/rooms/{Id(roomId)}/read", new ReadBody(seq), cancellationToken);

    /// <summary>POST /api/rooms/{id}/leave → 204.</summary>
    public Task LeaveRoomAsync(long roomId, CancellationToken cancellationToken = default) =>
        SendEmptyAsync(HttpMethod.Post, $"/api/rooms/{Id(roomId)}/leave", new { }, cancellationToken);

    /// <summary>POST /api/rooms/{id}/phone-consent: whether both have now consented (409 not_enough_exchanges before 10).</summary>
    public async Task<bool> ConsentToPhoneSharingAsync(long roomId, CancellationToken cancellationToken = default) =>
        (await ReadAsync<object, PhoneSharedResponse>(HttpMethod.Post, $"/api/rooms/{Id(roomId)}/phone-consent", new { }, cancellationToken)).PhoneShared;

    /// <summary>GET /api/rooms/{id}/phone: the opponent's phone, once both consented (403 before).</summary>
    public async Task<string> GetOpponentPhoneAsync(long roomId, CancellationToken cancellationToken = default) =>
        (await GetAsync<PhoneResponse>($"/api/rooms/{Id(roomId)}/phone", cancellationToken)).Phone;

    /// <summary>GET /api/requests: the caller's incoming room requests.</summary>
    public Task<IReadOnlyList<RoomRequestView>> GetRequestsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<RoomRequestView>>("/api/requests", cancellationToken);

    /// <summary>POST /api/requests/{id}/accept → 201 the room (capacity re-checked: 409 otherwise).</summary>
    public async Task<RoomSummary> AcceptRequestAsync(long requestId, CancellationToken cancellationToken = default) =>
        (await ReadAsync<object, RoomResponse>(HttpMethod.Post, $"/api/requests/{Id(requestId)}/accept", new { }, cancellationToken)).Room;

    /// <summary>DELETE /api/requests/{id} → 204 (only the receiver may decline).</summary>
    public Task DeclineRequestAsync(long requestId, CancellationToken cancellationToken = default) =>
        SendEmptyAsync<object?>(HttpMethod.Delete, $"/api/requests/{Id(requestId)}", null, cancellationToken);
}
