using System.Net.Http.Json;
using Distance.Client;
using Distance.Realtime.Chat;
using Distance.Realtime.Rooms;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Chat;

[Collection(nameof(ChatCollection))]
public sealed class ChatDeliveryTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task AMessageReachesEveryConnectionOfBothMembersOnEveryNodeAfterItsAck(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await using var aOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, a, protocol);
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol);
        var clientMessageId = Guid.NewGuid();

        var ack = await aOnA.SendAsync(roomId, "  안녕하세요 👋  ", clientMessageId);

        Assert.Equal((roomId, 1L), (ack.RoomId, ack.Seq));
        foreach (var client in new[] { aOnA, aOnB, bOnB })
        {
            var message = await client.NextMessageAsync(roomId);
            Assert.Equal(new ChatMessage(roomId, 1, a.Id, "text", "안녕하세요 👋", ack.SentAt, clientMessageId.ToString()), message);
        }
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task ConcurrentSendersOnBothNodesGetGapFreeSeqsAndHistoryHoldsThemInOrder(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        var clients = new List<ChatTestClient>();
        try
        {
            foreach (var (member, node) in new[] { (a, fixture.NodeA), (a, fixture.NodeB), (b, fixture.NodeA), (b, fixture.NodeB) })
                for (var i = 0; i < 2; i++)
                    clients.Add(await ChatTestClient.ConnectAsync(node, member, protocol));
            const int perClient = 25;

            var acks = await Task.WhenAll(clients.Select(async (client, c) =>
            {
                var mine = new List<MessageAck>();
                for (var i = 0; i < perClient; i++)
                    mine.Add(await client.SendAsync(roomId, $"c{c} m{i}"));
                return mine;
            }));

            var total = clients.Count * perClient;
            Assert.Equal(Enumerable.Range(1, total).Select(s => (long)s), acks.SelectMany(x => x).Select(x => x.Seq).Order());
            foreach (var perSender in acks)
                Assert.Equal(perSender.Select(x => x.Seq).Order(), perSender.Select(x => x.Seq)); // each sender's own order is kept
            var history = await HistoryAsync(a, roomId, afterSeq: 0, limit: 200);
            Assert.Equal(Enumerable.Range(1, total).Select(s => (long)s), history.Select(m => m.Seq));
            // Every connection saw every message, whichever node it was sent through.
            var seen = new List<long>();
            for (var i = 0; i < total; i++)
                seen.Add((await clients[^1].NextMessageAsync(roomId)).Seq);
            Assert.Equal(Enumerable.Range(1, total).Select(s => (long)s), seen.Order());
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task AResentClientMessageIdReturnsTheSameAckStoresNothingAndIsNotBroadcastAgain(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await using var aOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, a, protocol);
        await using var bOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, b, protocol);
        var id = Guid.NewGuid();

        var first = await aOnA.SendAsync(roomId, "once", id);
        var again = await aOnA.SendAsync(roomId, "once", id);
        var elsewhere = await aOnB.SendAsync(roomId, "once, from the other node", id);
        var next = await aOnA.SendAsync(roomId, "next");

        Assert.Equal(first, again);
        Assert.Equal(first, elsewhere);
        Assert.Equal(2, next.Seq);
        Assert.Equal(1, (await bOnA.NextMessageAsync(roomId)).Seq);
        Assert.Equal(2, (await bOnA.NextMessageAsync(roomId)).Seq); // no second copy of seq 1 in between
        Assert.Equal([1L, 2L], (await HistoryAsync(b, roomId, 0, 50)).Select(m => m.Seq));
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task AClientThatReconnectsToTheOtherNodeCatchesUpWithSyncRoomExactlyOnce(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        long lastSeen;
        await using (var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol))
        {
            await aOnA.SendAsync(roomId, "before");
            lastSeen = (await bOnB.NextMessageAsync(roomId)).Seq;
        }
        var missed = new List<MessageAck>();
        for (var i = 0; i < 5; i++)
            missed.Add(await aOnA.SendAsync(roomId, $"while away {i}"));

        await using var bOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, b, protocol);
        var caughtUp = await bOnA.SyncAsync(roomId, lastSeen);

        Assert.Equal(missed.Select(m => m.Seq), caughtUp.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"while away {i}"), caughtUp.Select(m => m.Text));
        Assert.Empty(await bOnA.SyncAsync(roomId, caughtUp[^1].Seq));
        // Live delivery resumes on the new node too.
        var live = await aOnA.SendAsync(roomId, "live again");
        Assert.Equal(live.Seq, (await bOnA.NextMessageAsync(roomId)).Seq);
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task SyncRoomReturnsPagesOfTwoHundredInAscendingOrder(ChatProtocol protocol)
    {
        var (a, _, roomId) = await api.PairAsync();
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await api.ExecuteSqlAsync("""
            INSERT INTO messages (room_id, seq, sender_id, kind, text, sent_at)
            SELECT @roomId, seq, @sender, 'text', CONCAT('m', seq), UTC_TIMESTAMP(3) FROM seq_1_to_230;
            UPDATE rooms SET last_seq = 230 WHERE id = @roomId;
            """, new { roomId, sender = a.Id });

        var first = await aOnA.SyncAsync(roomId, 0);
        var second = await aOnA.SyncAsync(roomId, first[^1].Seq);

        Assert.Equal(Enumerable.Range(1, 200).Select(s => (long)s), first.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(201, 30).Select(s => (long)s), second.Select(m => m.Seq));
    }

    [Theory]
    [MemberData(nameof(ChatClients.Protocols), MemberType = typeof(ChatClients))]
    public async Task WhenARoomIsCreatedEveryConnectionOfBothMembersJoinsItOnEveryNodeWithinASecond(ChatProtocol protocol)
    {
        var a = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        await using var aOnA = await ChatTestClient.ConnectAsync(fixture.NodeA, a, protocol);
        await using var aOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, a, protocol);
        await using var bOnB = await ChatTestClient.ConnectAsync(fixture.NodeB, b, protocol);
        var started = DateTime.UtcNow;

        var room = await api.OpenRoomAsync(a, b);

        foreach (var (client, opponent) in new[] { (aOnA, b), (aOnB, b), (bOnB, a) })
        {
            var update = await client.NextRoomUpdateAsync(room.RoomId);
            Assert.Equal(("active", opponent.Id), (update.Status, update.Opponent?.MemberId));
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "RoomUpdated (sent after the joins) took over a second");
        var ack = await bOnB.SendAsync(room.RoomId, "hi");
        Assert.Equal(ack.Seq, (await aOnA.NextMessageAsync(room.RoomId)).Seq);
        Assert.Equal(ack.Seq, (await aOnB.NextMessageAsync(room.RoomId)).Seq);
    }

    private async Task<IReadOnlyList<ChatMessage>> HistoryAsync(TestMember member, long roomId, long afterSeq, int limit)
    {
        using var client = api.Client(member, fixture.NodeB);
        var page = await client.GetFromJsonAsync<MessagesPage>($"/api/rooms/{roomId}/messages?afterSeq={afterSeq}&limit={limit}", RoomApi.Json).Within();
        return page!.Messages;
    }
}

[CollectionDefinition(nameof(ChatCollection))]
public sealed class ChatCollection : ICollectionFixture<DistanceFixture>;
