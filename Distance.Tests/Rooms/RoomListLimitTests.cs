using System.Net;
using System.Net.Http.Json;
using Distance.Realtime.Rooms;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Rooms;

/// <summary>Issue #21, room-list inflation: a cap on new rooms per pair and day, a cap on kept inactive rooms, and a paged list.</summary>
[Collection(nameof(RoomsCollection))]
public sealed class RoomListLimitTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    [Fact]
    public async Task OpenAndLeaveLoopsStopAtThePairCapWithRetryAfter()
    {
        var (a, b) = (await api.MemberAsync(), await api.MemberAsync("female"));
        for (var i = 0; i < 3; i++)
        {
            var room = await api.OpenRoomAsync(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a);
            Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(a, $"/api/rooms/{room.RoomId}/leave")).StatusCode);
        }

        var fourth = await api.PostAsync(b, "/api/rooms", new { memberId = a.Id }, fixture.NodeB);

        await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_rooms");
        Assert.InRange(fourth.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 86_000, 86_400);
        // Others are not held back by this pair's cap.
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(a, "/api/rooms", new { memberId = (await api.MemberAsync("female")).Id })).StatusCode);
    }

    [Fact]
    public async Task AMemberKeepsOnlyTheNewestInactiveRoomsBeyondTheCap()
    {
        await using var node = fixture.StartNode(new Dictionary<string, string?> { ["Chat:KeptInactiveRooms"] = "2" });
        var victim = await api.MemberAsync("female");
        var rooms = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var opener = await api.MemberAsync();
            var room = await api.OpenRoomAsync(opener, victim);
            using var client = node.CreateClientFrom(accessToken: opener.AccessToken);
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/rooms/{room.RoomId}/leave", new { }).Within()).StatusCode);
            rooms.Add(room.RoomId);
        }

        var kept = (await api.RoomsAsync(victim)).Select(r => r.RoomId).Order().ToList();

        Assert.Equal(rooms[2..], kept);
        Assert.Equal(0, await api.ScalarAsync("SELECT COUNT(*) FROM rooms WHERE id IN (@A, @B)", new { A = rooms[0], B = rooms[1] }));
    }

    [Fact]
    public async Task TheRoomListPagesByCursorNewestActivityFirst()
    {
        var member = await api.MemberAsync();
        await api.ExecuteSqlAsync("UPDATE members SET room_capacity = 5 WHERE id = @Id", new { member.Id });
        var rooms = new List<long>();
        for (var i = 0; i < 5; i++)
            rooms.Add((await api.OpenRoomAsync(member, await api.MemberAsync("female"))).RoomId);
        var newestFirst = Enumerable.Reverse(rooms).ToList();

        using var client = api.Client(member, fixture.NodeB);
        var first = await client.GetFromJsonAsync<List<RoomSummary>>("/api/rooms?limit=2", RoomApi.Json).Within();
        var second = await client.GetFromJsonAsync<List<RoomSummary>>($"/api/rooms?limit=2&before={first![^1].RoomId}", RoomApi.Json).Within();
        var third = await client.GetFromJsonAsync<List<RoomSummary>>($"/api/rooms?limit=2&before={second![^1].RoomId}", RoomApi.Json).Within();

        Assert.Equal(newestFirst, first.Concat(second).Concat(third!).Select(r => r.RoomId));
        Assert.Single(third!);
        Assert.Equal(5, (await api.RoomsAsync(member)).Count);
        foreach (var bad in new[] { "?limit=0", "?limit=101", "?before=x", "?before=999999999" })
            await (await client.GetAsync("/api/rooms" + bad).Within()).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
