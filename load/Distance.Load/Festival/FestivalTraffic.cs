using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Distance.Load.Common;

namespace Distance.Load.Festival;

/// <summary>
/// The room reads of the mix, by a random member of the crowd (ids 1..members): the room list, and
/// the newest page of the history of the member's room (room k joins members 2k-1 and 2k). A 200
/// whose body lacks the member's room or any message counts as an error too: it would mean the
/// seed or the server lost something.
/// </summary>
public sealed class FestivalTraffic(HttpNodes nodes, DevTokens tokens, int members, int pageSize)
{
    /// <summary>GET /api/rooms: 200 with the member's room in it.</summary>
    public async Task<bool> RoomsAsync(StatusCounts statuses, CancellationToken cancellationToken)
    {
        var member = Random.Shared.Next(members) + 1;
        var room = (member + 1) / 2;
        using var request = Get("/api/rooms", member);
        using var response = await nodes.SendAsync(request, statuses, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return Expect(response, body, string.Create(CultureInfo.InvariantCulture, $"\"roomId\":{room},"), "200 without the room", statuses);
    }

    /// <summary>GET /api/rooms/{id}/messages?limit=N: 200 with messages in it.</summary>
    public async Task<bool> HistoryAsync(StatusCounts statuses, CancellationToken cancellationToken)
    {
        var member = Random.Shared.Next(members) + 1;
        var room = (member + 1) / 2;
        using var request = Get(string.Create(CultureInfo.InvariantCulture, $"/api/rooms/{room}/messages?limit={pageSize}"), member);
        using var response = await nodes.SendAsync(request, statuses, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return Expect(response, body, "\"seq\":", "200 without messages", statuses);
    }

    private HttpRequestMessage Get(string path, long member)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(member));
        return request;
    }

    private static bool Expect(HttpResponseMessage response, string body, string needle, string failure, StatusCounts statuses)
    {
        if (response.StatusCode != HttpStatusCode.OK)
            return false;
        if (body.Contains(needle, StringComparison.Ordinal))
            return true;
        statuses.Add(failure);
        return false;
    }
}
