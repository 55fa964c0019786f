using System.Threading.Channels;
using Distance.Realtime.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Connections;

[Collection(nameof(RealtimeCollection))]
public sealed class BackplaneTests(DistanceFixture fixture)
{
    [Fact]
    public async Task AMessageSentThroughOneNodeReachesAClientOnTheOtherNode()
    {
        var member = await fixture.CreateMemberAsync().Within();
        var received = Channel.CreateUnbounded<long>();
        await using var connection = fixture.NodeB.CreateHubConnection(member.AccessToken);
        connection.On<long>(nameof(IChatClient.PhoneShared), roomId => received.Writer.TryWrite(roomId));
        await connection.StartReadyAsync();

        // Node A holds no connection of this member: only the Redis backplane can carry it to node B.
        var hubOnA = fixture.NodeA.Service<IHubContext<ChatHub, IChatClient>>();
        await hubOnA.Clients.User(member.Id.ToString()).PhoneShared(4242).Within();

        Assert.Equal(4242, await received.Reader.NextAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BothHubProtocolsAreServed(bool messagePack)
    {
        var member = await fixture.CreateMemberAsync().Within();
        var received = Channel.CreateUnbounded<long>();
        await using var connection = fixture.NodeA.CreateHubConnection(member.AccessToken, messagePack);
        connection.On<long>(nameof(IChatClient.PhoneShared), roomId => received.Writer.TryWrite(roomId));
        await connection.StartReadyAsync();

        await fixture.NodeB.Service<IHubContext<ChatHub, IChatClient>>().Clients.User(member.Id.ToString()).PhoneShared(7).Within();

        Assert.Equal(7, await received.Reader.NextAsync());
    }

    [Fact]
    public async Task AHubConnectionWithoutAValidTokenIsRefused()
    {
        await using var connection = fixture.NodeA.CreateHubConnection("forged.token.value");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().Within());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }
}

[CollectionDefinition(nameof(RealtimeCollection))]
public sealed class RealtimeCollection : ICollectionFixture<DistanceFixture>;
