using System.Net;
using System.Net.Http.Json;
using Distance.Data.Members;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Members;

[Collection(nameof(MembersCollection))]
public sealed class DeletionTests(DistanceFixture fixture)
{
    [Fact]
    public async Task DeletingTheAccountRevokesTokensClosesLiveConnectionsAndFreesThePhone()
    {
        var member = await fixture.CreateMemberAsync(studentVerified: true).Within();
        var reporter = await fixture.CreateMemberAsync("female", studentVerified: true).Within();
        using var memberClient = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);
        using var reporterClient = fixture.NodeA.CreateClientFrom(accessToken: reporter.AccessToken);
        Assert.Equal(HttpStatusCode.Created, (await reporterClient.PostAsJsonAsync("/api/rooms", new { memberId = member.Id }).Within()).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await reporterClient.PostAsJsonAsync("/api/reports", new { memberId = member.Id, reason = "spam" }).Within()).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await memberClient.PostAsJsonAsync("/api/reports", new { memberId = reporter.Id, reason = "other" }).Within()).StatusCode);
        await using var hub = fixture.NodeB.CreateHubConnection(member.AccessToken);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartReadyAsync();

        await fixture.GivePasswordAsync(member);
        var refused = await memberClient.DeleteAccountAsync("not the password");
        Assert.Equal(HubConnectionState.Connected, hub.State);
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "password_mismatch");
        await (await memberClient.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/me")).Within())
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var response = await memberClient.DeleteAccountAsync();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await closed.Task.Within(TimeSpan.FromSeconds(1)); // the socket is on the other node
        Assert.Equal(HttpStatusCode.Unauthorized, (await memberClient.GetAsync("/api/me").Within()).StatusCode);
        Assert.Null(await fixture.NodeA.Service<PublicProfileRepository>().FindAsync(member.Id, CancellationToken.None).Within());
        await (await reporterClient.GetAsync($"/api/members/{member.Id}").Within()).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM members WHERE id = @Id", member));
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM logins WHERE member_id = @Id", member));
        // v2: reports on either side stay, under the phone's keyed hash (Safety/PhoneHistoryTests).
        Assert.Equal(2, await fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM reports WHERE (reported_id = @Id AND reported_phone_hash IS NOT NULL) OR (reporter_id = @Id AND reporter_phone_hash IS NOT NULL)", member));

        var token = await fixture.NodeB.VerifyPhoneAsync(member.Phone);
        using var anonymous = fixture.NodeB.CreateClientFrom();
        var again = await anonymous.PostAsJsonAsync("/api/members", AccountsTestExtensions.SignUpBody(token)).Within();
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task ADeletedMembersRefreshTokenNoLongerWorks()
    {
        var member = await fixture.SignUpAsync();
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAccountAsync(member.Password)).StatusCode);

        using var anonymous = fixture.NodeB.CreateClientFrom();
        var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }).Within();
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = member.Phone, password = member.Password }).Within();
        await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task ADeletedMemberLeavesTheMatchingGrid()
    {
        var member = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);
        var located = await client.PutAsJsonAsync("/api/me/location", new { latitude = 37.4482, longitude = 127.1278 }).Within();
        Assert.Equal(HttpStatusCode.NoContent, located.StatusCode);
        Assert.Equal(1, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM member_locations WHERE member_id = @Id", member));

        await fixture.GivePasswordAsync(member);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAccountAsync()).StatusCode);

        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM member_locations WHERE member_id = @Id", member));
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM location_slots WHERE member_id = @Id", member));
    }
}
