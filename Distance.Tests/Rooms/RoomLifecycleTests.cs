using System.Net;
using System.Net.Http.Json;
using Distance.Realtime.Rooms;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Rooms;

[Collection(nameof(RoomsCollection))]
public sealed class RoomLifecycleTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    [Fact]
    public async Task OnlyVerifiedStudentsMayOpenRooms()
    {
        var unverified = await fixture.CreateMemberAsync(studentVerified: false).Within();
        var other = await api.MemberAsync("female");

        var response = await api.PostAsync(unverified, "/api/rooms", new { memberId = other.Id });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("student_unverified", await api.CodeAsync(response));
    }

    [Fact]
    public async Task OpeningARoomTwiceReturnsTheExistingRoomAndBadTargetsAreRefused()
    {
        var (a, b, roomId) = await api.PairAsync();

        var again = await api.PostAsync(b, "/api/rooms", new { memberId = a.Id });
        var self = await api.PostAsync(a, "/api/rooms", new { memberId = a.Id });
        var nobody = await api.PostAsync(a, "/api/rooms", new { memberId = long.MaxValue });
        var missing = await api.PostAsync(a, "/api/rooms", new { });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(roomId, (await again.Content.ReadFromJsonAsync<RoomResponse>(RoomApi.Json))!.Room.RoomId);
        Assert.Equal((HttpStatusCode.BadRequest, "validation_failed"), (self.StatusCode, await api.CodeAsync(self)));
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "validation_failed"), (missing.StatusCode, await api.CodeAsync(missing)));
    }

    [Fact]
    public async Task ANewRoomIsListedForBothWithTheOpponentsPublicProfileAndNoPhone()
    {
        var (a, b, roomId) = await api.PairAsync();

        var forA = await api.RoomAsync(a, roomId);
        using var client = api.Client(b);
        var raw = await client.GetStringAsync("/api/rooms").Within();

        Assert.Equal(("active", b.Id, 0L, 0L, 0, false, (object?)null), (forA.Status, forA.Opponent?.MemberId, forA.LastSeq, forA.UnreadCount, forA.Exchanges, forA.PhoneShared, (object?)forA.LastMessage));
        Assert.Equal($"컴퓨터공학과INTJ#{b.Id}", forA.Opponent?.Nickname);
        Assert.DoesNotContain(a.Phone, raw);
        Assert.Contains($"\"roomId\":{roomId}", raw);
    }

    [Fact]
    public async Task TheFirstLeaverMakesTheRoomInactiveWithASystemMessageAndTheSecondDeletesIt()
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a);
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b);
        await aOnA.SendAsync(roomId, "bye?");

        var first = await api.PostAsync(a, $"/api/rooms/{roomId}/leave");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        var system = await bOnB.NextMessageAsync(roomId); // skips "bye?"
        while (system.Kind != "system")
            system = await bOnB.NextMessageAsync(roomId);
        Assert.Equal((2L, (long?)null, $"컴퓨터공학과INTJ#{a.Id} left"), (system.Seq, system.SenderId, system.Text));
        var update = await bOnB.NextRoomUpdateAsync(roomId);
        Assert.Equal(("inactive", a.Id, 2L), (update.Status, update.Opponent?.MemberId, update.LastSeq));
        Assert.Equal("inactive", (await aOnA.NextRoomUpdateAsync(roomId)).Status);
        Assert.DoesNotContain(await api.RoomsAsync(a), r => r.RoomId == roomId);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(a, $"/api/rooms/{roomId}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync(a, $"/api/rooms/{roomId}/leave")).StatusCode);
        var forB = await api.RoomAsync(b, roomId);
        Assert.Equal(("inactive", "system", 2L), (forB.Status, forB.LastMessage?.Kind, forB.UnreadCount)); // "bye?" and the system message

        var second = await api.PostAsync(b, $"/api/rooms/{roomId}/leave");

        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Empty(await api.RoomsAsync(b));
        Assert.Equal(0, await api.ScalarAsync("SELECT COUNT(*) FROM messages WHERE room_id = @roomId", new { roomId }));
        Assert.Equal(0, await api.ScalarAsync("SELECT COUNT(*) FROM rooms WHERE id = @roomId", new { roomId }));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(b, $"/api/rooms/{roomId}/messages")).StatusCode);
    }

    [Fact]
    public async Task AfterOneLeftThePairMayOpenANewRoom()
    {
        var (a, b, roomId) = await api.PairAsync();
        (await api.PostAsync(a, $"/api/rooms/{roomId}/leave")).EnsureSuccessStatusCode();

        var fresh = await api.OpenRoomAsync(a, b);

        Assert.NotEqual(roomId, fresh.RoomId);
        Assert.Equal(["active", "inactive"], (await api.RoomsAsync(b)).Select(r => r.Status).Order());
    }

    [Fact]
    public async Task OutsidersGet404OnEveryRoomRoute()
    {
        var (_, _, roomId) = await api.PairAsync();
        var outsider = await api.MemberAsync();

        var responses = new[]
        {
            await api.GetAsync(outsider, $"/api/rooms/{roomId}/messages"),
            await api.PostAsync(outsider, $"/api/rooms/{roomId}/read", new { seq = 1 }),
            await api.PostAsync(outsider, $"/api/rooms/{roomId}/leave"),
            await api.PostAsync(outsider, $"/api/rooms/{roomId}/phone-consent"),
            await api.GetAsync(outsider, $"/api/rooms/{roomId}/phone"),
            await api.GetAsync(outsider, $"/api/rooms/{long.MaxValue}/messages"),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal("room_not_found", await api.CodeAsync(responses[0]));
        Assert.Empty(await api.RoomsAsync(outsider));
    }

    [Fact]
    public async Task HistoryPagesByAfterSeqAndBeforeSeqInAscendingOrder()
    {
        var (a, _, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a);
        for (var i = 1; i <= 7; i++)
            await aOnA.SendAsync(roomId, $"m{i}");

        async Task<long[]> PageAsync(string query)
        {
            using var client = api.Client(a, fixture.NodeB);
            var page = await client.GetFromJsonAsync<MessagesPage>($"/api/rooms/{roomId}/messages?{query}", RoomApi.Json).Within();
            return page!.Messages.Select(m => m.Seq).ToArray();
        }

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7 }, await PageAsync(""));
        Assert.Equal(new long[] { 5, 6, 7 }, await PageAsync("limit=3"));
        Assert.Equal(new long[] { 2, 3, 4 }, await PageAsync("beforeSeq=5&limit=3"));
        Assert.Equal(new long[] { 1 }, await PageAsync("beforeSeq=2&limit=3"));
        Assert.Equal(new long[] { 1, 2, 3 }, await PageAsync("afterSeq=0&limit=3"));
        Assert.Equal(new long[] { 7 }, await PageAsync("afterSeq=6&limit=3"));
        Assert.Equal(new long[] { 3, 4 }, await PageAsync("afterSeq=2&beforeSeq=5"));
        foreach (var bad in new[] { "limit=0", "limit=201", "afterSeq=-1", "limit=abc" })
            Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync(a, $"/api/rooms/{roomId}/messages?{bad}")).StatusCode);
    }

    [Fact]
    public async Task ReadingOverHttpMovesTheReadPositionAndTellsTheOpponent()
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a);
        await aOnA.SendAsync(roomId, "one");
        await aOnA.SendAsync(roomId, "two");

        var response = await api.PostAsync(b, $"/api/rooms/{roomId}/read", new { seq = 1 });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal((roomId, b.Id, 1L), await aOnA.Reads.Reader.NextAsync());
        Assert.Equal(1, (await api.RoomAsync(b, roomId)).UnreadCount);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync(b, $"/api/rooms/{roomId}/read", new { seq = -1 })).StatusCode);
    }
}

[CollectionDefinition(nameof(RoomsCollection))]
public sealed class RoomsCollection : ICollectionFixture<DistanceFixture>;
