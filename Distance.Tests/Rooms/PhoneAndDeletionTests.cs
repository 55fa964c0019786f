using System.Net;
using System.Net.Http.Json;
using Distance.Client;
using Distance.Realtime.Rooms;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Rooms;

[Collection(nameof(RoomsCollection))]
public sealed class PhoneAndDeletionTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task PhonesAreRevealedOnlyAfterTenExchangesAndBothConsents(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol);
        await aOnA.SendAsync(roomId, "a0");
        for (var i = 1; i <= 9; i++)
            await (i % 2 == 1 ? bOnB : aOnA).SendAsync(roomId, $"turn {i}");
        Assert.Equal(9, (await api.RoomAsync(a, roomId)).Exchanges);

        var tooEarly = await api.PostAsync(a, $"/api/rooms/{roomId}/phone-consent");
        await bOnB.SendAsync(roomId, "b again: the same sender is no exchange");
        var stillTooEarly = await api.PostAsync(a, $"/api/rooms/{roomId}/phone-consent");
        await aOnA.SendAsync(roomId, "the tenth exchange");
        var aConsents = await api.PostAsync(a, $"/api/rooms/{roomId}/phone-consent");
        var onlyOne = await api.GetAsync(a, $"/api/rooms/{roomId}/phone");
        var bConsents = await api.PostAsync(b, $"/api/rooms/{roomId}/phone-consent");

        Assert.Equal((HttpStatusCode.Conflict, "not_enough_exchanges"), (tooEarly.StatusCode, await api.CodeAsync(tooEarly)));
        Assert.Equal(HttpStatusCode.Conflict, stillTooEarly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, aConsents.StatusCode);
        Assert.False((await aConsents.Content.ReadFromJsonAsync<PhoneSharedResponse>(RoomApi.Json))!.PhoneShared);
        Assert.Equal(HttpStatusCode.Forbidden, onlyOne.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bConsents.StatusCode);
        Assert.True((await bConsents.Content.ReadFromJsonAsync<PhoneSharedResponse>(RoomApi.Json))!.PhoneShared);
        foreach (var client in new[] { aOnA, bOnB })
        {
            Assert.Equal(roomId, await client.PhoneShared.Reader.NextAsync());
            Assert.True((await client.NextRoomUpdateAsync(roomId)).PhoneShared);
        }
        Assert.Equal(b.Phone, (await (await api.GetAsync(a, $"/api/rooms/{roomId}/phone")).Content.ReadFromJsonAsync<PhoneResponse>(RoomApi.Json))!.Phone);
        Assert.Equal(a.Phone, (await (await api.GetAsync(b, $"/api/rooms/{roomId}/phone")).Content.ReadFromJsonAsync<PhoneResponse>(RoomApi.Json))!.Phone);
        Assert.True((await api.RoomAsync(a, roomId)).PhoneShared);
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task DeletingAMemberLeavesOpponentsAnInactiveRoomWithoutOpponentAndDeletesRoomsNoOneElseIsIn(ChatProtocol protocol)
    {
        var gone = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        var c = await api.MemberAsync("female");
        var d = await api.MemberAsync("female");
        var withB = (await api.OpenRoomAsync(gone, b)).RoomId;
        var withC = (await api.OpenRoomAsync(gone, c)).RoomId;
        var withD = (await api.OpenRoomAsync(gone, d)).RoomId;
        (await api.PostAsync(c, $"/api/rooms/{withC}/leave")).EnsureSuccessStatusCode(); // only `gone` is still in it
        (await api.PostAsync(gone, $"/api/rooms/{withD}/leave")).EnsureSuccessStatusCode(); // only d is still in it
        var e = await api.MemberAsync("female");
        await FillAsync(e);
        (await api.PostAsync(gone, "/api/rooms", new { memberId = e.Id })).EnsureSuccessStatusCode(); // a pending request
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol);
        await using var goneOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, gone, protocol);
        var cleanup = fixture.NodeA.Service<RoomCleanup>();

        await cleanup.OnMemberDeletedAsync(gone.Id, CancellationToken.None).Within();

        var update = await bOnB.NextRoomUpdateAsync(withB);
        Assert.Equal(("inactive", (object?)null), (update.Status, (object?)update.Opponent));
        var forB = await api.RoomAsync(b, withB);
        Assert.Equal(("inactive", (object?)null), (forB.Status, (object?)forB.Opponent));
        Assert.Null((await api.RoomAsync(d, withD)).Opponent);
        Assert.Equal(0, await api.ScalarAsync("SELECT COUNT(*) FROM rooms WHERE id = @withC", new { withC }));
        Assert.Equal(0, await api.ScalarAsync("SELECT COUNT(*) FROM room_requests WHERE from_member_id = @id OR to_member_id = @id", new { id = gone.Id }));
        Assert.Empty(await api.RoomsAsync(gone));
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => bOnB.SendAsync(withB, "hello?"));
        Assert.Equal("room_inactive", refused.Message);
        // The remaining member can still leave, which removes the room for good.
        (await api.PostAsync(b, $"/api/rooms/{withB}/leave")).EnsureSuccessStatusCode();
        Assert.Equal(0, await api.ScalarAsync("SELECT COUNT(*) FROM rooms WHERE id = @withB", new { withB }));
    }

    private async Task FillAsync(TestMember member)
    {
        for (var i = 0; i < 3; i++)
            await api.OpenRoomAsync(member, await api.MemberAsync());
    }
}
