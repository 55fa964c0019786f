using System.Threading.Channels;
using Distance.Client;
using Distance.Contracts;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Client;

/// <summary>
/// Distance.Client's promise: after every reconnect it syncs each known room from the last seq it
/// delivered, so what was sent while it was away arrives once each and in order, on whatever node
/// it lands. Real Redis and MariaDB; the first test kills a node process with SIGKILL.
/// </summary>
[Collection(nameof(ClientCollection))]
public sealed class ChatClientReconnectTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    public static TheoryData<ChatProtocol> Protocols => [ChatProtocol.Json, ChatProtocol.MessagePack];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task AfterItsNodeIsKilledTheClientMovesToAnotherNodeAndGetsWhatWasSentMeanwhileOnceInOrder(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var doomed = await NodeProcess.StartAsync(fixture.Settings, TimeSpan.FromSeconds(120)).Within(TimeSpan.FromSeconds(150));
        var board = new Switchboard(doomed);
        await using var bClient = board.CreateClient(() => Task.FromResult<string?>(b.AccessToken), protocol, negotiate: false);
        var received = Record(bClient, roomId);
        var lost = Signal(bClient);
        var resynced = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        bClient.TrackRoom(roomId, 0);
        await bClient.StartAsync().Within();
        bClient.Synced += brought => resynced.TrySetResult(brought); // after the first connect's sync: only the reconnect's counts
        await using var aClient = fixture.NodeA.CreateChatClient(a.AccessToken, protocol);
        await aClient.StartAsync().Within();

        for (var i = 1; i <= 3; i++)
            await aClient.SendMessageAsync(roomId, $"m{i}").Within();
        for (var i = 1; i <= 3; i++)
            Assert.Equal(i, (await received.NextAsync()).Seq);

        board.Target = null; // the balancer has nowhere to send it until the survivor is named
        doomed.Kill();
        await lost.Within(TimeSpan.FromSeconds(30));
        for (var i = 4; i <= 8; i++)
            await aClient.SendMessageAsync(roomId, $"m{i}").Within(); // while b has no connection at all
        board.Target = fixture.NodeA;

        Assert.Equal(5, await resynced.Task.Within(TimeSpan.FromSeconds(30)));
        for (var i = 9; i <= 10; i++)
            await aClient.SendMessageAsync(roomId, $"m{i}").Within();
        await AssertReceivedExactlyAsync(received, 4, 10);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ADroppedConnectionResumesOnItsNodeAndMessagesSentMeanwhileArriveOnceInOrder(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        var board = new Switchboard(fixture.NodeB);
        await using var bClient = board.CreateClient(() => Task.FromResult<string?>(b.AccessToken), protocol, negotiate: true);
        var received = Record(bClient, roomId);
        bClient.TrackRoom(roomId, 0);
        await bClient.StartAsync().Within();
        await using var aClient = fixture.NodeA.CreateChatClient(a.AccessToken, protocol);
        await aClient.StartAsync().Within();
        await aClient.SendMessageAsync(roomId, "m1").Within();
        Assert.Equal(1, (await received.NextAsync()).Seq);

        board.Target = null;
        board.Cut(); // no close frame: the client sees a broken socket and tries to come back
        for (var i = 2; i <= 6; i++)
            await aClient.SendMessageAsync(roomId, $"m{i}").Within();
        board.Target = fixture.NodeB;
        await aClient.SendMessageAsync(roomId, "m7").Within();

        // Whether stateful reconnect replayed them or SyncRoom brought them, each arrives once.
        await AssertReceivedExactlyAsync(received, 2, 7);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StartingSyncsEveryTrackedRoomFromWhereTheCallerIs(ChatProtocol protocol)
    {
        var (a, b, roomId) = await api.PairAsync();
        await using (var aClient = fixture.NodeA.CreateChatClient(a.AccessToken, protocol))
        {
            await aClient.StartAsync().Within();
            for (var i = 1; i <= 4; i++)
                await aClient.SendMessageAsync(roomId, $"m{i}").Within();
        }
        await using var bClient = fixture.NodeB.CreateChatClient(b.AccessToken, protocol);
        var received = Record(bClient, roomId);
        bClient.TrackRoom(roomId, 1); // b already holds seq 1

        await bClient.StartAsync().Within();

        await AssertReceivedExactlyAsync(received, 2, 4);
        Assert.Equal(4, bClient.DeliveredSeq(roomId));
    }

    private static ChannelReader<ChatMessage> Record(ChatClient client, long roomId)
    {
        var channel = Channel.CreateUnbounded<ChatMessage>();
        client.MessageReceived += m =>
        {
            if (m.RoomId == roomId)
                channel.Writer.TryWrite(m);
        };
        return channel.Reader;
    }

    private static Task Signal(ChatClient client)
    {
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult();
            return Task.CompletedTask;
        };
        return reconnecting.Task;
    }

    /// <summary>Seqs <paramref name="from"/>..<paramref name="to"/> arrive in order with their texts, and nothing after them.</summary>
    private static async Task AssertReceivedExactlyAsync(ChannelReader<ChatMessage> received, int from, int to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            var message = await received.NextAsync(TimeSpan.FromSeconds(30));
            Assert.Equal((seq, $"m{seq}"), ((int)message.Seq, message.Text));
        }
        await Task.Delay(300); // a duplicate would be on its way by now
        Assert.False(received.TryRead(out var extra), $"seq {extra?.Seq} arrived again");
    }
}

[CollectionDefinition(nameof(ClientCollection))]
public sealed class ClientCollection : ICollectionFixture<DistanceFixture>;
