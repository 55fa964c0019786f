using System.Threading.Channels;
using Distance.Realtime.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Connections;

/// <summary>
/// What the hubs need of a backplane, held by both (Realtime:Backplane): the cluster bus (one
/// subscription per node, the default since issue 20) and SignalR's Redis backplane. Two nodes of
/// the chosen kind on the shared Redis; every send is made on the node that does not hold the
/// receiving connection.
/// </summary>
[Collection(nameof(RealtimeCollection))]
public sealed class BackplaneKindsTests(DistanceFixture fixture)
{
    private (DistanceNode Sender, DistanceNode Holder) Nodes(string backplane)
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Backplane"] = backplane };
        return (fixture.StartNode(settings), fixture.StartNode(settings));
    }

    private static IHubContext<ChatHub, IChatClient> Hub(DistanceNode node) => node.Service<IHubContext<ChatHub, IChatClient>>();

    private static async Task<(HubConnection Connection, ChannelReader<long> Received)> ConnectAsync(DistanceNode node, string token)
    {
        var received = Channel.CreateUnbounded<long>();
        var connection = node.CreateHubConnection(token);
        connection.On<long>(nameof(IChatClient.PhoneShared), roomId => received.Writer.TryWrite(roomId));
        await connection.StartReadyAsync();
        return (connection, received.Reader);
    }

    // The app changes groups on the node that holds the connection (ChatConnections, RoomSignals)
    // and sends from any node; the bus also carries a change made on another node (the last case).
    [Theory]
    [InlineData("ClusterBus", false)]
    [InlineData("SignalR", false)]
    [InlineData("ClusterBus", true)]
    public async Task AGroupJoinedAndLeftGetsExactlyTheSendsInBetweenFromTheOtherNode(string backplane, bool changedFromTheOtherNode)
    {
        var (sender, holder) = Nodes(backplane);
        await using var _ = sender;
        await using var __ = holder;
        var member = await fixture.CreateMemberAsync().Within();
        var (connection, received) = await ConnectAsync(holder, member.AccessToken);
        await using var ___ = connection;
        var group = "test-group-" + Guid.NewGuid().ToString("N");
        var groups = Hub(changedFromTheOtherNode ? sender : holder).Groups;

        var user = Hub(sender).Clients.User(member.Id.ToString());

        // Each step waits until the holder has handled the sends before it: a local group change
        // is immediate, a send reaches the holder through Redis a moment later.
        await Hub(sender).Clients.Group(group).PhoneShared(1).Within();
        await user.PhoneShared(0).Within();
        Assert.Equal(0, await received.NextAsync());

        await groups.AddToGroupAsync(connection.ConnectionId!, group).Within();
        await Hub(sender).Clients.Group(group).PhoneShared(2).Within();
        Assert.Equal(2, await received.NextAsync());

        await groups.RemoveFromGroupAsync(connection.ConnectionId!, group).Within();
        await Hub(sender).Clients.Group(group).PhoneShared(3).Within();
        await user.PhoneShared(4).Within();
        Assert.Equal(4, await received.NextAsync());
        await Task.Delay(300);
        Assert.False(received.TryRead(out var extra), $"also received {extra}");
    }

    private static async Task<SortedSet<long>> TakeAsync(ChannelReader<long> received, int count)
    {
        var values = new SortedSet<long>();
        for (var i = 0; i < count; i++)
            values.Add(await received.NextAsync());
        return values;
    }

    [Theory]
    [InlineData("ClusterBus")]
    [InlineData("SignalR")]
    public async Task SendsByConnectionAndToAllButSomeReachOnlyWhomTheyName(string backplane)
    {
        var (sender, holder) = Nodes(backplane);
        await using var _ = sender;
        await using var __ = holder;
        var (first, second) = (await fixture.CreateMemberAsync().Within(), await fixture.CreateMemberAsync().Within());
        var (a, fromA) = await ConnectAsync(holder, first.AccessToken);
        await using var ___ = a;
        var (b, fromB) = await ConnectAsync(holder, second.AccessToken);
        await using var ____ = b;

        await Hub(sender).Clients.Client(a.ConnectionId!).PhoneShared(10).Within();
        await Hub(sender).Clients.AllExcept([a.ConnectionId!]).PhoneShared(11).Within();
        await Hub(sender).Clients.Users([first.Id.ToString(), second.Id.ToString()]).PhoneShared(12).Within();

        Assert.Equal([10L, 12L], await TakeAsync(fromA, 2));
        Assert.Equal([11L, 12L], await TakeAsync(fromB, 2));
    }

    [Theory]
    [InlineData("ClusterBus")]
    [InlineData("SignalR")]
    public async Task AMemberWhoReconnectsIsReachedOnTheNewConnectionOnly(string backplane)
    {
        var (sender, holder) = Nodes(backplane);
        await using var _ = sender;
        await using var __ = holder;
        var member = await fixture.CreateMemberAsync().Within();
        var (old, fromOld) = await ConnectAsync(holder, member.AccessToken);

        // The new connection opens while the old one closes: the member's entry must survive both.
        var opening = ConnectAsync(holder, member.AccessToken);
        await old.DisposeAsync();
        var (fresh, fromFresh) = await opening;
        await using var ___ = fresh;
        await Hub(sender).Clients.User(member.Id.ToString()).PhoneShared(20).Within();

        Assert.Equal(20, await fromFresh.NextAsync());
        Assert.False(fromOld.TryRead(out var stale), $"the closed connection received {stale}");
    }
}
