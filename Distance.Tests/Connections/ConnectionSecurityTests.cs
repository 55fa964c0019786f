using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Realtime.Connections;
using Distance.Realtime.RateLimiting;
using Distance.Tests.Infrastructure;
using Distance.Tests.Security;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Connections;

/// <summary>
/// Hub connections cannot be flooded, and sessions end everywhere (issue #21 "hub connection
/// flood", issue #15 "sessions end everywhere"): two nodes, the real backplane and Redis.
/// </summary>
[Collection(nameof(ConnectionSecurityCollection))]
public sealed class ConnectionSecurityTests(DistanceFixture fixture)
{
    private static TaskCompletionSource WatchClosed(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed;
    }

    [Fact]
    public async Task FiftyConnectionsOfOneMemberOnTwoNodesLeaveAtMostFiveLiveAndTheNewestStay()
    {
        var member = await fixture.CreateMemberAsync().Within();
        var connections = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var connection = (i % 2 == 0 ? fixture.NodeA : fixture.NodeB).CreateHubConnection(member.AccessToken);
                connections.Add(connection);
                await connection.StartAsync().Within();
            }

            int Live() => fixture.NodeA.Service<LiveConnections>().CountFor(member.Id) + fixture.NodeB.Service<LiveConnections>().CountFor(member.Id);
            await Eventually.UntilAsync(() => Task.FromResult(Live() <= 5 && connections.Count(c => c.State == HubConnectionState.Connected) <= 5),
                TimeSpan.FromSeconds(10), "more than 5 connections stayed open");
            Assert.Equal(5, Live());
            // The oldest were closed, the newest kept: the person's current device is never the one cut off.
            Assert.All(connections[^5..], c => Assert.Equal(HubConnectionState.Connected, c.State));
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task OnlyATokenThisNodeNegotiatedIsKnownAsAnEstablishedConnection()
    {
        var member = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);

        var negotiated = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within();
        var token = (await negotiated.Content.ReadFromJsonAsync<JsonElement>().Within()).GetProperty("connectionToken").GetString()!;

        Assert.True(fixture.NodeA.Service<NegotiatedConnections>().Available);
        Assert.True(fixture.NodeA.Service<NegotiatedConnections>().Knows(token));
        Assert.False(fixture.NodeA.Service<NegotiatedConnections>().Knows("made-up-" + Guid.NewGuid()));
        // Connection tokens are node-local: the other node never issued this one.
        Assert.False(fixture.NodeB.Service<NegotiatedConnections>().Knows(token));
    }

    [Fact]
    public async Task LoggingOutOnNodeAEndsThatLoginsConnectionOnNodeBWithinASecondAndNoOther()
    {
        var member = await fixture.SignUpAsync();
        using var anonymous = fixture.NodeA.CreateClientFrom();
        var other = await (await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = member.Phone, password = member.Password }).Within())
            .Content.ReadFromJsonAsync<JsonElement>().Within();
        await using var phone = fixture.NodeB.CreateHubConnection(member.AccessToken);
        await using var laptop = fixture.NodeB.CreateHubConnection(other.GetProperty("accessToken").GetString()!);
        var phoneClosed = WatchClosed(phone);
        await phone.StartReadyAsync();
        await laptop.StartReadyAsync();

        var loggedOut = await anonymous.PostAsJsonAsync("/api/auth/logout", new { refreshToken = member.RefreshToken }).Within();

        Assert.Equal(HttpStatusCode.NoContent, loggedOut.StatusCode);
        await phoneClosed.Task.Within(TimeSpan.FromSeconds(1));
        Assert.Equal(HubConnectionState.Connected, laptop.State);
    }

    [Fact]
    public async Task AReusedRefreshTokenEndsEveryConnectionOfThatLoginOnEveryNode()
    {
        var member = await fixture.SignUpAsync();
        await using var onA = fixture.NodeA.CreateHubConnection(member.AccessToken);
        await using var onB = fixture.NodeB.CreateHubConnection(member.AccessToken);
        var closedA = WatchClosed(onA);
        var closedB = WatchClosed(onB);
        await onA.StartReadyAsync();
        await onB.StartReadyAsync();
        using var client = fixture.NodeA.CreateClientFrom();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }).Within()).StatusCode);

        var reused = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }).Within();

        await reused.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_reused");
        await Task.WhenAll(closedA.Task, closedB.Task).Within(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AConnectionEndsWhenItsAccessTokenExpiresAndTheClientComesBackWithARefreshedOne()
    {
        var member = await fixture.SignUpAsync();
        var loginId = await fixture.ScalarAsync<long>("SELECT MAX(id) FROM logins WHERE member_id = @Id", member);
        var shortLived = TestTokens.Sign(fixture.Settings["Jwt:SigningKey"]!, member.Id, loginId, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(4));
        await using var expiring = fixture.NodeB.CreateHubConnection(shortLived);
        var closed = WatchClosed(expiring);
        await expiring.StartReadyAsync();

        await closed.Task.Within(TimeSpan.FromSeconds(15));

        // What the client does next: refresh, reconnect, SyncRoom.
        using var client = fixture.NodeA.CreateClientFrom();
        var refreshed = await (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }).Within())
            .Content.ReadFromJsonAsync<JsonElement>().Within();
        await using var again = fixture.NodeB.CreateHubConnection(refreshed.GetProperty("accessToken").GetString()!);
        await again.StartReadyAsync();
        Assert.Equal(HubConnectionState.Connected, again.State);
    }
}

[CollectionDefinition(nameof(ConnectionSecurityCollection))]
public sealed class ConnectionSecurityCollection : ICollectionFixture<DistanceFixture>;
