using System.Security.Claims;
using Distance.Realtime.Chat;
using Distance.Realtime.Claims;
using Distance.Realtime.Connections;
using Distance.Realtime.Identity;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Tests.Connections;

/// <summary>
/// What issue 20 changed in a handshake and a held connection keeps the rules: the rooms of many
/// connecting members read in one statement still give each member exactly its own active rooms
/// (real MariaDB); the per-member bookkeeping stays exact under concurrent connects; the user a
/// hub connection keeps has every claim of its token.
/// </summary>
[Collection(nameof(RealtimeCollection))]
public sealed class ConnectStormTests(DistanceFixture fixture)
{
    [Fact]
    public async Task ManyMembersConnectingAtOnceEachGetOnlyTheirOwnActiveRooms()
    {
        var api = new RoomApi(fixture);
        var (a, b, ab) = await api.PairAsync();
        var c = await api.MemberAsync("female");
        var ac = (await api.OpenRoomAsync(a, c)).RoomId;
        (await api.PostAsync(c, $"/api/rooms/{ac}/leave")).EnsureSuccessStatusCode();
        var (d, e, de) = await api.PairAsync();
        var loner = await api.MemberAsync();
        var expected = new Dictionary<long, long[]>
        {
            [a.Id] = [ab], // the room with c is inactive since c left it
            [b.Id] = [ab],
            [c.Id] = [],
            [d.Id] = [de],
            [e.Id] = [de],
            [loner.Id] = [],
        };
        var rooms = fixture.NodeA.Service<ConnectingRooms>();

        // Twenty connects of each member at once: they share statements, and each gets its own answer.
        var asked = expected.Keys.SelectMany(m => Enumerable.Repeat(m, 20)).Select(async m => (m, await rooms.ActiveRoomIdsAsync(m, CancellationToken.None)));
        var answers = await Task.WhenAll(asked).Within();

        Assert.All(answers, answer => Assert.Equal(expected[answer.m], answer.Item2.Order()));
    }

    [Fact]
    public async Task ConcurrentConnectsAndDisconnectsOfOneMemberLeaveExactlyTheOpenOnes()
    {
        var live = new LiveConnections();
        var contexts = Enumerable.Range(0, 200).Select(i => new StubContext($"c{i}", loginId: i % 2)).ToList();

        await Task.WhenAll(contexts.Select(c => Task.Run(() => live.Add(7, c)))).Within();
        await Task.WhenAll(contexts.Where((_, i) => i % 4 == 0).Select(c => Task.Run(() => live.Remove(7, c.ConnectionId)))).Within();

        Assert.Equal(150, live.CountFor(7));
        Assert.Equal(150, live.ConnectionIdsOf(7).Distinct().Count());
        Assert.Equal(100, live.AbortLogin(1)); // every odd one is login 1, and none of them was removed
        Assert.All(contexts.Where((_, i) => i % 2 == 1), c => Assert.True(c.Aborted));
        Assert.All(contexts.Where((_, i) => i % 2 == 0), c => Assert.False(c.Aborted));
        Assert.False(live.AbortConnection(7, "c0"));
        Assert.True(live.AbortConnection(7, "c2"));
        contexts.ForEach(c => live.Remove(7, c.ConnectionId));
        Assert.Equal(0, live.CountFor(7));
        Assert.Equal(0, live.Count);
    }

    [Fact]
    public void TheUserAHubConnectionKeepsHasEveryClaimOfItsToken()
    {
        var token = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(MemberClaims.MemberIdClaim, "42"), new Claim(MemberClaims.LoginIdClaim, "9"), new Claim(MemberClaims.RoleClaim, MemberClaims.OperatorRole)],
            "AuthenticationTypes.Federation", MemberClaims.MemberIdClaim, MemberClaims.RoleClaim));

        var kept = HubPrincipal.WithoutToken(token);

        Assert.True(kept.Identity!.IsAuthenticated);
        Assert.Equal("42", kept.Identity.Name);
        Assert.Equal(42, kept.MemberId());
        Assert.Equal(9, kept.LoginId());
        Assert.True(kept.IsInRole(MemberClaims.OperatorRole));
        Assert.Equal(token.Claims.Select(c => (c.Type, c.Value)), kept.Claims.Select(c => (c.Type, c.Value)));
    }

    private sealed class StubContext(string connectionId, long loginId) : HubCallerContext
    {
        public bool Aborted { get; private set; }

        public override string ConnectionId => connectionId;
        public override string? UserIdentifier => "7";
        public override ClaimsPrincipal? User { get; } = new(new ClaimsIdentity([new Claim(MemberClaims.LoginIdClaim, loginId.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
        public override Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();
        public override CancellationToken ConnectionAborted => CancellationToken.None;
        public override void Abort() => Aborted = true;
    }
}
