using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Safety;

[Collection(nameof(ReportsCollection))]
public sealed class ReportTests(DistanceFixture fixture)
{
    private static async Task<HttpResponseMessage> ReportAsync(DistanceNode node, string accessToken, object body)
    {
        using var client = node.CreateClientFrom(accessToken: accessToken);
        return await client.PostAsJsonAsync("/api/reports", body).Within();
    }

    [Fact]
    public async Task AReportIsFiledOnceAndASecondOneByTheSameReporterIsAConflict()
    {
        var reporter = await fixture.CreateMemberAsync().Within();
        var reported = await fixture.CreateMemberAsync().Within();

        var first = await ReportAsync(fixture.NodeA, reporter.AccessToken, new { memberId = reported.Id, reason = "  욕설  " });
        var second = await ReportAsync(fixture.NodeB, reporter.AccessToken, new { memberId = reported.Id, reason = "again" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal(reported.Id, body.GetProperty("memberId").GetInt64());
        Assert.Equal("욕설", body.GetProperty("reason").GetString());
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "already_reported");
        Assert.Equal(1, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id", reported));
    }

    [Fact]
    public async Task BadReportsAreRefused()
    {
        var reporter = await fixture.CreateMemberAsync().Within();
        var reported = await fixture.CreateMemberAsync().Within();

        await (await ReportAsync(fixture.NodeA, reporter.AccessToken, new { memberId = reporter.Id, reason = "me" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ReportAsync(fixture.NodeA, reporter.AccessToken, new { memberId = reported.Id }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ReportAsync(fixture.NodeA, reporter.AccessToken, new { memberId = reported.Id, reason = new string('r', 501) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ReportAsync(fixture.NodeA, reporter.AccessToken, new { reason = "who?" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ReportAsync(fixture.NodeA, reporter.AccessToken, new { memberId = 999_999_999, reason = "ghost" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ReportAsync(fixture.NodeA, "forged", new { memberId = reported.Id, reason = "x" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id", reported));
    }

    [Fact]
    public async Task TwoReportersDoNotDeactivateAMember()
    {
        var reported = await fixture.SignUpAsync();
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Created, (await ReportAsync(fixture.NodeA, (await fixture.CreateMemberAsync().Within()).AccessToken,
                new { memberId = reported.Id, reason = "spam" })).StatusCode);

        using var client = fixture.NodeB.CreateClientFrom();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { phone = reported.Phone, password = reported.Password }).Within();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Null(await fixture.ScalarAsync<DateTime?>("SELECT deactivated_at FROM members WHERE id = @Id", reported));
    }

    [Fact]
    public async Task TheThirdDistinctReporterDeactivatesTheMemberEverywhereWithinASecond()
    {
        var reported = await fixture.SignUpAsync();
        var reporters = new List<TestMember>();
        for (var i = 0; i < 3; i++)
            reporters.Add(await fixture.CreateMemberAsync().Within());
        await using var hub = fixture.NodeB.CreateHubConnection(reported.AccessToken);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartReadyAsync();
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(fixture.NodeA, reporters[0].AccessToken, new { memberId = reported.Id, reason = "a" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync(fixture.NodeA, reporters[1].AccessToken, new { memberId = reported.Id, reason = "b" })).StatusCode);
        Assert.Equal(HubConnectionState.Connected, hub.State);

        var third = await ReportAsync(fixture.NodeA, reporters[2].AccessToken, new { memberId = reported.Id, reason = "c" });

        Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        await closed.Task.Within(TimeSpan.FromSeconds(1)); // the connection lives on node B; the reports went to node A
        using var client = fixture.NodeB.CreateClientFrom(accessToken: reported.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me").Within()).StatusCode);
        using var anonymous = fixture.NodeA.CreateClientFrom();
        await (await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = reported.Phone, password = reported.Password }).Within())
            .AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
        await (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = reported.RefreshToken }).Within())
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await using var reconnect = fixture.NodeA.CreateHubConnection(reported.AccessToken);
        await Assert.ThrowsAsync<HttpRequestException>(() => reconnect.StartAsync().Within());
        Assert.NotNull(await fixture.ScalarAsync<DateTime?>("SELECT deactivated_at FROM members WHERE id = @Id", reported));
    }

    [Fact]
    public async Task SimultaneousReportsFromFourMembersAllCountAndDeactivateOnce()
    {
        var reported = await fixture.CreateMemberAsync().Within();
        var reporters = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.CreateMemberAsync())).Within();

        var responses = await Task.WhenAll(reporters.Select((r, i) =>
            ReportAsync(i % 2 == 0 ? fixture.NodeA : fixture.NodeB, r.AccessToken, new { memberId = reported.Id, reason = "x" }))).Within();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(4, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id", reported));
        Assert.NotNull(await fixture.ScalarAsync<DateTime?>("SELECT deactivated_at FROM members WHERE id = @Id", reported));
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM logins WHERE member_id = @Id AND revoked_at IS NULL", reported));
    }
}

[CollectionDefinition(nameof(ReportsCollection))]
public sealed class ReportsCollection : ICollectionFixture<DistanceFixture>;
