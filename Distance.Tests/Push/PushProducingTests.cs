using System.Net;
using System.Net.Http.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Push;

/// <summary>Which pushes the nodes produce: the contract's four events for members with no live connection, after commit.</summary>
[Collection(nameof(PushCollection))]
public sealed class PushProducingTests(PushFixture fixture)
{
    private RoomApi Api => fixture.Api;

    private async Task<TestMember> WithDeviceAsync(TestMember member)
    {
        using var client = Api.Client(member);
        var response = await client.PutAsJsonAsync("/api/me/push", new { kind = "fcm", token = "device-" + member.Id }).Within();
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return member;
    }

    private async Task<List<Dictionary<string, string>>> EventuallyRecordsAsync(long memberId, int count, string? type = null)
    {
        async Task<List<Dictionary<string, string>>> Of() => (await fixture.RecordsForAsync(memberId)).Where(r => type is null || r["type"] == type).ToList();
        await Eventually.UntilAsync(async () => (await Of()).Count >= count, TimeSpan.FromSeconds(15));
        return await Of();
    }

    [Fact]
    public async Task AnOfflineMemberIsPushedForAMessageARequestARoomOpenedWithThemAndSharedPhones()
    {
        var a = await Api.MemberAsync();
        var b = await WithDeviceAsync(await Api.MemberAsync("female"));
        var room = await Api.OpenRoomAsync(a, b);
        await using (var aOnA = await ChatTestClient.ConnectAsync(fixture.Nodes.NodeA, a))
            await aOnA.SendAsync(room.RoomId, "hi there");
        await Api.ExecuteSqlAsync("UPDATE rooms SET exchanges = 10 WHERE id = @id", new { id = room.RoomId });
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync(b, $"/api/rooms/{room.RoomId}/phone-consent")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync(a, $"/api/rooms/{room.RoomId}/phone-consent")).StatusCode);
        var c = await Api.MemberAsync();
        await Api.ExecuteSqlAsync("UPDATE members SET room_capacity = 0 WHERE id = @id", new { id = b.Id });
        Assert.Equal(HttpStatusCode.Accepted, (await Api.PostAsync(c, "/api/rooms", new { memberId = b.Id })).StatusCode);

        var records = await EventuallyRecordsAsync(b.Id, 4);
        await Task.Delay(PushFixture.CollapseWindow * 2); // nothing more comes
        records = await fixture.RecordsForAsync(b.Id);
        string Nickname(long id) => $"컴퓨터공학과INTJ#{id}";
        Assert.Equal(
            [
                ("message", Nickname(a.Id), "hi there", $"room-{room.RoomId}"),
                ("phone", "번호 공유", $"이제 {Nickname(a.Id)}님과 서로 번호를 볼 수 있어요", $"room-{room.RoomId}"),
                ("request", "새 대화 요청", $"{Nickname(c.Id)}님이 대화를 요청했어요", "requests"),
                ("room", "새 대화", $"{Nickname(a.Id)}님이 대화를 시작했어요", $"room-{room.RoomId}"),
            ],
            records.Select(r => (r["type"], r["title"], r["body"], r["tag"])).OrderBy(r => r.Item1).ToList());
        Assert.All(records, r => Assert.Equal(("fcm", "device-" + b.Id), (r["kind"], r["pushToken"])));
        Assert.Empty(await fixture.RecordsForAsync(a.Id)); // no device registered: nothing to push
    }

    [Fact]
    public async Task AMemberConnectedOnAnyNodeGetsNoPushAndOneWhoLeftGetsOneAgain()
    {
        var (a, b, roomId) = await Api.PairAsync();
        await WithDeviceAsync(b);
        var c = await WithDeviceAsync(await Api.MemberAsync("female"));
        var control = (await Api.OpenRoomAsync(a, c)).RoomId;
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.Nodes.NodeA, a);

        await using (var bOnB = await ChatTestClient.ConnectAsync(fixture.Nodes.NodeB, b))
        {
            await aOnA.SendAsync(roomId, "you are online");
            await bOnB.NextMessageAsync(roomId);
            await aOnA.SendAsync(control, "for c");
            // The relay takes due rows oldest first: once c's push is out, b's row was judged while b was connected.
            await EventuallyRecordsAsync(c.Id, 1, "message");
        }
        await aOnA.SendAsync(roomId, "gone again");

        await EventuallyRecordsAsync(b.Id, 1, "message");
        await Task.Delay(PushFixture.CollapseWindow);
        Assert.Equal(["gone again"], (await EventuallyRecordsAsync(b.Id, 1, "message")).Select(r => r["body"]));
    }

    [Fact]
    public async Task ABurstOfTwentyMessagesInOneRoomIsOnePushWithItsCount()
    {
        var (a, b, roomId) = await Api.PairAsync();
        await WithDeviceAsync(b);
        // A hub connection runs its calls one at a time: four connections make it a burst.
        var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            ChatTestClient.ConnectAsync(i % 2 == 0 ? fixture.Nodes.NodeA : fixture.Nodes.NodeB, a)));

        await Task.WhenAll(connections.Select((connection, i) => Task.Run(async () =>
        {
            for (var n = 0; n < 5; n++)
                await connection.SendAsync(roomId, $"burst {i}.{n}");
        })));
        foreach (var connection in connections)
            await connection.DisposeAsync();

        await EventuallyRecordsAsync(b.Id, 1, "message");
        await Task.Delay(PushFixture.CollapseWindow * 2);
        var message = Assert.Single(await fixture.RecordsForAsync(b.Id), r => r["type"] == "message");
        Assert.Equal("20", message["count"]);
        Assert.Equal($"room-{roomId}", message["tag"]);
        Assert.EndsWith(" 외 19개", message["body"]);
    }

    [Fact]
    public async Task ANodeKilledBetweenTheCommitAndTheStreamLosesNoPush()
    {
        var (a, b, roomId) = await Api.PairAsync();
        await WithDeviceAsync(b);
        // This node's relay would wait a minute before taking the row: it dies with the row committed, not relayed.
        var settings = new Dictionary<string, string?>(fixture.Nodes.Settings) { ["Push:CollapseWindow"] = "00:01:00" };
        await using var doomed = await NodeProcess.StartAsync(settings);
        await using (var aOnDoomed = await ChatTestClient.ConnectAsync(doomed, a))
        {
            await aOnDoomed.SendAsync(roomId, "sent just before the crash");
            doomed.Kill();
        }
        Assert.Equal(1, await Api.ScalarAsync("SELECT COUNT(*) FROM push_outbox WHERE member_id = @id AND kind = 'message'", new { id = b.Id })
                        + (await fixture.RecordsForAsync(b.Id)).Count(r => r["type"] == "message"));

        _ = fixture.Nodes.NodeA; // a surviving node's relay takes the row over
        var records = await EventuallyRecordsAsync(b.Id, 1, "message");
        Assert.Equal("sent just before the crash", Assert.Single(records)["body"]);
    }
}
