using System.Net;
using System.Net.Http.Json;
using Distance.Realtime.Rooms;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Rooms;

[Collection(nameof(RoomsCollection))]
public sealed class RoomCapacityTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    [Fact]
    public async Task ACallerWithoutAFreeRoomGetsRoomLimitReachedAndActiveRoomsOnlyCount()
    {
        var a = await api.MemberAsync();
        var rooms = await FillAsync(a);
        var next = await api.MemberAsync("female");

        var refused = await api.PostAsync(a, "/api/rooms", new { memberId = next.Id });
        (await api.PostAsync(a, $"/api/rooms/{rooms[0]}/leave")).EnsureSuccessStatusCode();
        var afterLeaving = await api.PostAsync(a, "/api/rooms", new { memberId = next.Id });

        Assert.Equal((HttpStatusCode.Conflict, "room_limit_reached"), (refused.StatusCode, await api.CodeAsync(refused)));
        Assert.Equal(HttpStatusCode.Created, afterLeaving.StatusCode);
    }

    [Fact]
    public async Task AReferralRaisedCapacityAllowsMoreRooms()
    {
        var a = await api.MemberAsync();
        await FillAsync(a);
        await api.ExecuteSqlAsync("UPDATE members SET room_capacity = 4 WHERE id = @id", new { id = a.Id });

        var fourth = await api.PostAsync(a, "/api/rooms", new { memberId = (await api.MemberAsync("female")).Id });

        Assert.Equal(HttpStatusCode.Created, fourth.StatusCode);
    }

    [Fact]
    public async Task AFullOpponentGetsOneRequestInTheInboxLive()
    {
        var a = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        await FillAsync(b, "male");
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b);

        var first = await api.PostAsync(a, "/api/rooms", new { memberId = b.Id });
        var second = await api.PostAsync(a, "/api/rooms", new { memberId = b.Id });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var request = (await first.Content.ReadFromJsonAsync<RequestResponse>(RoomApi.Json))!.Request;
        Assert.Equal(a.Id, request.From.MemberId);
        Assert.Equal(request.RequestId, (await second.Content.ReadFromJsonAsync<RequestResponse>(RoomApi.Json))!.Request.RequestId);
        var live = await bOnB.Requests.Reader.NextAsync();
        Assert.Equal((request.RequestId, a.Id), (live.RequestId, live.From.MemberId));
        using var bClient = api.Client(b);
        var inbox = await bClient.GetFromJsonAsync<List<RoomRequestView>>("/api/requests", RoomApi.Json).Within();
        Assert.Equal([request.RequestId], inbox!.Select(r => r.RequestId));
        using var aClient = api.Client(a);
        Assert.Empty((await aClient.GetFromJsonAsync<List<RoomRequestView>>("/api/requests", RoomApi.Json).Within())!);
        Assert.False(bOnB.Requests.Reader.TryRead(out _)); // the repeated request was not announced again
    }

    [Fact]
    public async Task AcceptingARequestChecksCapacityAgainAndOpensTheRoomForBoth()
    {
        var a = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        var bRooms = await FillAsync(b, "male");
        var requestId = await RequestAsync(a, b);
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a);

        var whileFull = await api.PostAsync(b, $"/api/requests/{requestId}/accept");
        (await api.PostAsync(b, $"/api/rooms/{bRooms[0]}/leave")).EnsureSuccessStatusCode();
        var byTheSender = await api.PostAsync(a, $"/api/requests/{requestId}/accept");
        var accepted = await api.PostAsync(b, $"/api/requests/{requestId}/accept");

        Assert.Equal((HttpStatusCode.Conflict, "room_limit_reached"), (whileFull.StatusCode, await api.CodeAsync(whileFull)));
        Assert.Equal(HttpStatusCode.NotFound, byTheSender.StatusCode);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var room = (await accepted.Content.ReadFromJsonAsync<RoomResponse>(RoomApi.Json))!.Room;
        Assert.Equal(("active", a.Id), (room.Status, room.Opponent?.MemberId));
        Assert.Equal(b.Id, (await aOnA.NextRoomUpdateAsync(room.RoomId)).Opponent?.MemberId);
        var ack = await aOnA.SendAsync(room.RoomId, "thanks for accepting");
        Assert.Equal(1, ack.Seq);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync(b, $"/api/requests/{requestId}/accept")).StatusCode);
    }

    [Fact]
    public async Task AcceptingIsRefusedWhenTheSenderHasFilledUpMeanwhile()
    {
        var a = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        var bRooms = await FillAsync(b, "male");
        var requestId = await RequestAsync(a, b);
        await FillAsync(a);
        (await api.PostAsync(b, $"/api/rooms/{bRooms[0]}/leave")).EnsureSuccessStatusCode();

        var accepted = await api.PostAsync(b, $"/api/requests/{requestId}/accept");

        Assert.Equal((HttpStatusCode.Conflict, "room_limit_reached"), (accepted.StatusCode, await api.CodeAsync(accepted)));
    }

    [Fact]
    public async Task OnlyTheReceiverMayDeclineARequest()
    {
        var a = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        await FillAsync(b, "male");
        var requestId = await RequestAsync(a, b);
        using var aClient = api.Client(a);
        using var bClient = api.Client(b);

        var bySender = await aClient.DeleteAsync($"/api/requests/{requestId}").Within();
        var byReceiver = await bClient.DeleteAsync($"/api/requests/{requestId}").Within();

        Assert.Equal(HttpStatusCode.NotFound, bySender.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byReceiver.StatusCode);
        Assert.Empty((await bClient.GetFromJsonAsync<List<RoomRequestView>>("/api/requests", RoomApi.Json).Within())!);
    }

    [Fact]
    public async Task ConcurrentRoomCreationsNeverExceedTheCapacity()
    {
        var a = await api.MemberAsync();
        var others = new List<TestMember>();
        for (var i = 0; i < 6; i++)
            others.Add(await api.MemberAsync("female"));

        var responses = await Task.WhenAll(others.Select((o, i) =>
            Task.Run(async () =>
            {
                using var client = api.Client(a, i % 2 == 0 ? fixture.NodeA : fixture.NodeB);
                return await client.PostAsJsonAsync("/api/rooms", new { memberId = o.Id });
            })));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(3, (await api.RoomsAsync(a)).Count);
    }

    /// <summary>
    /// Gives <paramref name="member"/> three active rooms with fresh members of
    /// <paramref name="partnerGender"/> (the other gender: the meeting rules); returns their ids.
    /// </summary>
    private async Task<List<long>> FillAsync(TestMember member, string partnerGender = "female")
    {
        var rooms = new List<long>();
        for (var i = 0; i < 3; i++)
            rooms.Add((await api.OpenRoomAsync(member, await api.MemberAsync(partnerGender))).RoomId);
        return rooms;
    }

    private async Task<long> RequestAsync(TestMember from, TestMember to)
    {
        var response = await api.PostAsync(from, "/api/rooms", new { memberId = to.Id });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RequestResponse>(RoomApi.Json))!.Request.RequestId;
    }
}
