using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Distance.Client;
using Distance.Contracts;
using Distance.Realtime.Connections;
using Distance.Realtime.RateLimiting;
using Distance.Tests.Chat;
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
    public async Task AConnectionEndsAtTokenExpiryAndTheDotNetClientRefreshesReconnectsAndGetsWhatWasSentMeanwhile()
    {
        var api = new RoomApi(fixture);
        var sender = await api.MemberAsync();
        var member = await fixture.SignUpAsync("female");
        await api.ExecuteSqlAsync("UPDATE members SET student_verified = TRUE WHERE id = @Id", new { member.Id });
        var roomId = (await api.OpenRoomAsync(sender, member.AsTestMember())).RoomId;
        var loginId = await fixture.ScalarAsync<long>("SELECT MAX(id) FROM logins WHERE member_id = @Id", member);
        var expiresAt = DateTime.UtcNow.AddSeconds(4);
        var shortLived = TestTokens.Sign(fixture.Settings["Jwt:SigningKey"]!, member.Id, loginId, DateTime.UtcNow.AddMinutes(-1), expiresAt);
        // The app's session: the short-lived access token with the login's real refresh token. Its
        // refresh requests wait at a gate, so the test can send while the member is certainly out.
        var refreshGate = new RefreshGate(fixture.NodeA.Server.CreateHandler());
        var session = new DistanceSession(new DistanceApiClient(new HttpClient(refreshGate) { BaseAddress = fixture.NodeA.Server.BaseAddress }),
            new TokenPair(shortLived, expiresAt, member.RefreshToken, DateTime.UtcNow.AddDays(1))) { RefreshBefore = TimeSpan.Zero };
        await using var client = new Switchboard(fixture.NodeB).CreateClient(() => session.AccessTokenAsync(), ChatProtocol.Json, negotiate: true);
        var received = Channel.CreateUnbounded<ChatMessage>();
        client.MessageReceived += m => received.Writer.TryWrite(m);
        var reconnected = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.TrackRoom(roomId, 0);
        await client.StartAsync().Within();
        await using var senderClient = fixture.NodeA.CreateChatClient(sender.AccessToken);
        await senderClient.StartAsync().Within();
        await senderClient.SendMessageAsync(roomId, "m1").Within();
        Assert.Equal("m1", (await received.Reader.NextAsync()).Text);

        // The server ends the connection at expiry; the client asks for a token, which means a refresh.
        await refreshGate.Asked.Task.Within(TimeSpan.FromSeconds(15));
        Assert.NotEqual(HubConnectionState.Connected, client.Connection.State);
        // Watched only now: the start's own sync may report (0 brought) late on a busy machine, and
        // no reconnect sync can come before the gate opens.
        client.Synced += brought => reconnected.TrySetResult(brought);
        for (var i = 2; i <= 4; i++)
            await senderClient.SendMessageAsync(roomId, $"m{i}").Within();
        refreshGate.Open.TrySetResult();

        Assert.Equal(3, await reconnected.Task.Within(TimeSpan.FromSeconds(15)));
        for (var seq = 2; seq <= 4; seq++)
        {
            var message = await received.Reader.NextAsync();
            Assert.Equal((seq, $"m{seq}"), ((int)message.Seq, message.Text));
        }
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
        Assert.NotEqual(shortLived, session.Tokens.AccessToken);
        await senderClient.SendMessageAsync(roomId, "m5").Within();
        Assert.Equal(5, (await received.Reader.NextAsync()).Seq);
    }

    [Fact]
    public async Task TheDotNetClientAnswersATokenExpiredByOneRefreshAndRetriesTheCall()
    {
        var member = await fixture.SignUpAsync();
        var loginId = await fixture.ScalarAsync<long>("SELECT MAX(id) FROM logins WHERE member_id = @Id", member);
        var expired = TestTokens.Sign(fixture.Settings["Jwt:SigningKey"]!, member.Id, loginId, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddMinutes(-1));
        using var http = fixture.NodeB.CreateClientFrom();
        var api = new DistanceApiClient(http);
        // The app believes its token good for a while (a wrong clock): only the server's 401 tells it otherwise.
        api.Session = new DistanceSession(api, new TokenPair(expired, DateTime.UtcNow.AddMinutes(10), member.RefreshToken, DateTime.UtcNow.AddDays(1)));

        var me = await api.GetMeAsync().Within();

        Assert.Equal(member.Id, me.MemberId);
        Assert.NotEqual(expired, api.Session.Tokens.AccessToken);
    }

    /// <summary>Holds POST /api/auth/refresh until the test opens it; everything else passes.</summary>
    private sealed class RefreshGate(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == "/api/auth/refresh")
            {
                Asked.TrySetResult();
                await Open.Task.WaitAsync(cancellationToken);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

[CollectionDefinition(nameof(ConnectionSecurityCollection))]
public sealed class ConnectionSecurityCollection : ICollectionFixture<DistanceFixture>;
