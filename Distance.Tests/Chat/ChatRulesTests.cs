using System.Net.Http.Json;
using Distance.Client;
using Distance.Realtime.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Chat;

[Collection(nameof(ChatCollection))]
public sealed class ChatRulesTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    public static TheoryData<ChatProtocol, string?, string?> InvalidMessages
    {
        get
        {
            var cases = new TheoryData<ChatProtocol, string?, string?>();
            foreach (var protocol in new[] { ChatProtocol.Json, ChatProtocol.MessagePack })
                foreach (var (clientMessageId, text) in InvalidBodies)
                    cases.Add(protocol, clientMessageId, text);
            return cases;
        }
    }

    private static readonly (string? ClientMessageId, string? Text)[] InvalidBodies =
    [
        (Guid.NewGuid().ToString(), ""),
        (Guid.NewGuid().ToString(), " \t\n "),
        (Guid.NewGuid().ToString(), null),
        (Guid.NewGuid().ToString(), new string('가', 501)),
        (Guid.NewGuid().ToString(), string.Concat(Enumerable.Repeat("😀", 501))),
        ("not-a-uuid", "hello"),
        (null, "hello"),
        (Guid.NewGuid().ToString("N"), "hello"),
    ];

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task InvalidMessagesAreRefusedWithMessageInvalid(ChatProtocol protocol, string? clientMessageId, string? text)
    {
        var (a, _, roomId) = await api.PairAsync();
        await using var client = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);

        var error = await Assert.ThrowsAsync<HubException>(() =>
            client.Chat.SendMessageAsync(new SendMessageRequest(roomId, clientMessageId, text)).Within());

        Assert.Equal("message_invalid", error.Message);
        Assert.Empty(await client.SyncAsync(roomId, 0));
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task FiveHundredCharactersCountedAsCodePointsAreAccepted(ChatProtocol protocol)
    {
        var (a, _, roomId) = await api.PairAsync();
        await using var client = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        var emoji = string.Concat(Enumerable.Repeat("😀", 500)); // 1,000 UTF-16 units, 500 characters

        await client.SendAsync(roomId, emoji);

        Assert.Equal(emoji, Assert.Single(await client.SyncAsync(roomId, 0)).Text);
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task OutsidersGetRoomNotFoundFromEveryHubMethod(ChatProtocol protocol)
    {
        var (_, _, roomId) = await api.PairAsync();
        var outsider = await api.MemberAsync();
        await using var client = await ChatTestClient.ConnectAsync(fixture.NodeB, outsider, protocol);

        foreach (var room in new[] { roomId, long.MaxValue, -1 })
        {
            var send = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(room, "let me in"));
            var read = await Assert.ThrowsAsync<HubException>(() => client.MarkReadAsync(room, 1));
            var sync = await Assert.ThrowsAsync<HubException>(() => client.SyncAsync(room, 0));
            Assert.All(new[] { send, read, sync }, e => Assert.Equal("room_not_found", e.Message));
        }
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task AfterTheOpponentLeftSendingAnswersRoomInactiveButHistoryStaysReadable(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await aOnA.SendAsync(roomId, "hello?");
        (await api.PostAsync(b, $"/api/rooms/{roomId}/leave")).EnsureSuccessStatusCode();

        var error = await Assert.ThrowsAsync<HubException>(() => aOnA.SendAsync(roomId, "anyone?"));

        Assert.Equal("room_inactive", error.Message);
        Assert.Equal(["hello?", $"컴퓨터공학과INTJ#{b.Id} left"], (await aOnA.SyncAsync(roomId, 0)).Select(m => m.Text));
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task UnreadCountsAndExchangesFollowTheConversationIncrementally(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol);

        await aOnA.SendAsync(roomId, "1 from a");
        await aOnA.SendAsync(roomId, "2 from a");
        await bOnB.SendAsync(roomId, "3 from b");
        var last = await aOnA.SendAsync(roomId, "4 from a");

        var forA = await api.RoomAsync(a, roomId);
        var forB = await api.RoomAsync(b, roomId);
        Assert.Equal((4L, 0L, 2), (forA.LastSeq, forA.UnreadCount, forA.Exchanges)); // own messages are read
        Assert.Equal((4L, 1L, 2), (forB.LastSeq, forB.UnreadCount, forB.Exchanges)); // b's read position is its own message, 3
        Assert.Equal("4 from a", forB.LastMessage?.Text);

        await bOnB.MarkReadAsync(roomId, last.Seq);

        Assert.Equal((roomId, b.Id, 4L), await aOnA.Reads.Reader.NextAsync());
        Assert.Equal(0, (await api.RoomAsync(b, roomId)).UnreadCount);
        await bOnB.MarkReadAsync(roomId, 2); // never moves back
        await bOnB.MarkReadAsync(roomId, 999); // never passes the last seq
        await bOnB.SendAsync(roomId, "5 from b");
        await aOnA.SendAsync(roomId, "6 from a");
        Assert.Equal((1L, 4), ((await api.RoomAsync(b, roomId)).UnreadCount, (await api.RoomAsync(b, roomId)).Exchanges));
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task AMessageToAMemberWithoutALiveConnectionBecomesAPushRecord(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        var c = await api.MemberAsync("female");
        var otherRoom = (await api.OpenRoomAsync(a, c)).RoomId;
        foreach (var member in new[] { b, c })
        {
            using var client = api.Client(member);
            var registered = await client.PutAsJsonAsync("/api/me/push", new { kind = "fcm", token = "device-" + member.Id }).Within();
            Assert.Equal(System.Net.HttpStatusCode.NoContent, registered.StatusCode);
        }
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        var stream = fixture.NodeA.Service<StackExchange.Redis.IDatabase>();

        await aOnA.SendAsync(roomId, "are you there?");
        await Eventually.UntilAsync(async () => (await PushesForAsync(stream, b.Id)).Count == 1);
        await using (var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol))
        {
            await aOnA.SendAsync(roomId, "now you are online");
            await bOnB.NextMessageAsync(roomId);
            // The relay takes due outbox rows oldest first: once c's push is out, b's row was judged while b was online.
            await aOnA.SendAsync(otherRoom, "for c");
            await Eventually.UntilAsync(async () => (await PushesForAsync(stream, c.Id)).Count == 1);
        }
        await aOnA.SendAsync(roomId, "gone again");
        await Eventually.UntilAsync(async () => (await PushesForAsync(stream, b.Id)).Count == 2);

        var pushes = await PushesForAsync(stream, b.Id);
        Assert.Equal(["are you there?", "gone again"], pushes.Select(p => p["body"]));
        Assert.All(pushes, p =>
        {
            Assert.Equal("device-" + b.Id, p["pushToken"]);
            Assert.Equal(roomId.ToString(), p["roomId"]);
            Assert.Equal($"컴퓨터공학과INTJ#{a.Id}", p["title"]);
        });
        Assert.Empty(await PushesForAsync(stream, a.Id)); // a was online throughout, and has no token
    }

    // Message pushes only: the "started a chat" (room) rows of the pairing wait out the collapse
    // window and may be relayed after the token is registered, which would satisfy a count early.
    private static async Task<List<Dictionary<string, string>>> PushesForAsync(StackExchange.Redis.IDatabase redis, long memberId)
    {
        var entries = await redis.StreamRangeAsync(Distance.Data.Push.PushRecord.StreamKey).Within();
        return entries.Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString()))
            .Where(e => e["memberId"] == memberId.ToString() && e["type"] == Distance.Data.Push.PushEventKinds.Message)
            .ToList();
    }
}
