using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Safety;

/// <summary>Reports v2 (contract "Reports"): who may report whom, limits, and what three verified reporters do.</summary>
[Collection(nameof(SafetyCollection))]
public sealed class ReportTests(DistanceFixture fixture)
{
    private readonly SafetyApi api = new(fixture);

    [Fact]
    public async Task AReportIsFiledOnceAndASecondOneByTheSameReporterIsAConflict()
    {
        var reporter = await api.VerifiedAsync();
        var reported = await fixture.CreateMemberAsync().Within();
        await api.MeetAsync(reporter, reported);

        var first = await api.ReportAsync(reporter, new { memberId = reported.Id, reason = "spam", details = "  링크만 보내요  " });
        var second = await api.ReportAsync(reporter, new { memberId = reported.Id, reason = "other" }, fixture.NodeB);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal(reported.Id, body.GetProperty("memberId").GetInt64());
        Assert.Equal("spam", body.GetProperty("reason").GetString());
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "already_reported");
        Assert.Equal("링크만 보내요", await fixture.ScalarAsync<string>("SELECT details FROM reports WHERE reported_id = @Id", reported));
    }

    [Fact]
    public async Task BadReportsAreRefused()
    {
        var reporter = await api.VerifiedAsync();
        var reported = await fixture.CreateMemberAsync().Within();
        await api.MeetAsync(reporter, reported);

        foreach (var body in new object[]
                 {
                     new { memberId = reporter.Id, reason = "spam" },
                     new { memberId = reported.Id },
                     new { memberId = reported.Id, reason = "rude" },
                     new { memberId = reported.Id, reason = "other", details = new string('d', 1001) },
                     new { memberId = reported.Id, reason = "other", roomId = 0 },
                     new { memberId = reported.Id, reason = "other", roomId = 999_999_999 },
                     new { reason = "spam" },
                 })
            await (await api.ReportAsync(reporter, body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await api.ReportAsync(reporter, new { memberId = 999_999_999, reason = "spam" })).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        await (await api.ReportAsync(reporter with { AccessToken = "forged" }, new { memberId = reported.Id, reason = "spam" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id", reported));
    }

    [Fact]
    public async Task AStrangerCannotReportAndNeitherCanAnUnverifiedMember()
    {
        var reported = await fixture.CreateMemberAsync().Within();
        var stranger = await api.VerifiedAsync();
        var unverified = await fixture.CreateMemberAsync("female").Within();
        // The unverified member has met the reported one (as if a request had passed between them).
        await fixture.ExecuteAsync("INSERT INTO met_pairs (member_low, member_high, first_at) VALUES (LEAST(@a, @b), GREATEST(@a, @b), UTC_TIMESTAMP(3))",
            new { a = reported.Id, b = unverified.Id });

        await (await api.ReportAsync(stranger, new { memberId = reported.Id, reason = "spam" })).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        await (await api.ReportAsync(unverified, new { memberId = reported.Id, reason = "spam" })).AssertProblemAsync(HttpStatusCode.Forbidden, "student_unverified");
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id", reported));
    }

    [Fact]
    public async Task ThreeReportsFromUnverifiedOrUnrelatedAccountsSuspendNobody()
    {
        var reported = await fixture.SignUpAsync();
        for (var i = 0; i < 3; i++)
        {
            var unrelated = await api.VerifiedAsync();
            await (await api.ReportAsync(unrelated, new { memberId = reported.Id, reason = "spam" })).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
            var unverified = await fixture.CreateMemberAsync("female").Within();
            await (await api.ReportAsync(unverified, new { memberId = reported.Id, reason = "spam" })).AssertProblemAsync(HttpStatusCode.Forbidden, "student_unverified");
        }

        using var client = fixture.NodeB.CreateClientFrom();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { phone = reported.Phone, password = reported.Password }).Within();
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Null(await fixture.ScalarAsync<DateTime?>("SELECT deactivated_at FROM members WHERE id = @Id", reported));
    }

    [Fact]
    public async Task TwoVerifiedReportersDoNotSuspendAMember()
    {
        var reported = (await fixture.SignUpAsync()).AsTestMember();
        for (var i = 0; i < 2; i++)
            await api.ReportedByNewReporterAsync(reported);

        Assert.Equal("active", await fixture.ScalarAsync<string>("SELECT moderation FROM members WHERE id = @Id", reported));
        Assert.Null(await fixture.ScalarAsync<DateTime?>("SELECT deactivated_at FROM members WHERE id = @Id", reported));
    }

    [Fact]
    public async Task TheThirdVerifiedReporterSuspendsTheMemberEverywhereWithinASecond()
    {
        var signedUp = await fixture.SignUpAsync();
        var reported = signedUp.AsTestMember();
        // A room with someone who never reported: it must turn inactive for them.
        var bystander = await api.VerifiedAsync();
        var room = await api.Rooms.OpenRoomAsync(bystander, reported);
        await using var bystanderHub = await Chat.ChatTestClient.ConnectAsync(fixture.NodeA, bystander);
        await using var hub = fixture.NodeB.CreateHubConnection(reported.AccessToken);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartReadyAsync();
        await api.ReportedByNewReporterAsync(reported);
        await api.ReportedByNewReporterAsync(reported, fixture.NodeB);
        Assert.Equal(HubConnectionState.Connected, hub.State);

        await api.ReportedByNewReporterAsync(reported);

        await closed.Task.Within(TimeSpan.FromSeconds(1)); // the connection lives on node B; the report went to node A
        Assert.Equal("inactive", (await bystanderHub.NextRoomUpdateAsync(room.RoomId)).Status);
        Assert.Equal("inactive", (await api.Rooms.RoomAsync(bystander, room.RoomId)).Status);
        using var client = fixture.NodeB.CreateClientFrom(accessToken: reported.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me").Within()).StatusCode);
        using var anonymous = fixture.NodeA.CreateClientFrom();
        await (await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = signedUp.Phone, password = signedUp.Password }).Within())
            .AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
        Assert.Equal("suspended", await fixture.ScalarAsync<string>("SELECT moderation FROM members WHERE id = @Id", reported));
        // Nobody can open a room with a suspended member.
        await (await api.Rooms.PostAsync(await api.VerifiedAsync(), "/api/rooms", new { memberId = reported.Id }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
    }

    [Fact]
    public async Task SimultaneousReportsFromFourVerifiedReportersAllCountAndSuspendOnce()
    {
        var reported = await fixture.CreateMemberAsync().Within();
        var reporters = new List<TestMember>();
        for (var i = 0; i < 4; i++)
        {
            var reporter = await api.VerifiedAsync();
            await api.MeetAsync(reporter, reported);
            reporters.Add(reporter);
        }

        var responses = await Task.WhenAll(reporters.Select((r, i) =>
            api.ReportAsync(r, new { memberId = reported.Id, reason = "harassment" }, i % 2 == 0 ? fixture.NodeA : fixture.NodeB))).Within();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(4, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id AND counts", reported));
        Assert.Equal("suspended", await fixture.ScalarAsync<string>("SELECT moderation FROM members WHERE id = @Id", reported));
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM logins WHERE member_id = @Id AND revoked_at IS NULL", reported));
    }

    [Fact]
    public async Task AMemberShownByMatchingMayBeReportedBeforeAnyRoom()
    {
        var scene = new Matching.MatchingScene(fixture);
        var reporter = await scene.MemberAsync(0, "male");
        await fixture.ExecuteAsync("UPDATE members SET student_verified = TRUE WHERE id = @Id", reporter);
        var shown = await scene.MemberAsync(300);
        var notShown = await scene.MemberAsync(5_000);

        Assert.Equal([shown.Id], (await scene.MatchesAsync(reporter, "?count=20")).Select(m => m.MemberId));

        Assert.Equal(HttpStatusCode.Created, (await api.ReportAsync(reporter, new { memberId = shown.Id, reason = "inappropriate" }, fixture.NodeB)).StatusCode);
        await (await api.ReportAsync(reporter, new { memberId = notShown.Id, reason = "inappropriate" })).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
    }

    [Fact]
    public async Task TenReportsADayThenTooManyReportsWithRetryAfter()
    {
        var reporter = await api.VerifiedAsync("male");
        for (var i = 0; i < 10; i++)
        {
            var other = await fixture.CreateMemberAsync("female").Within();
            await api.MeetAsync(reporter, other);
            Assert.Equal(HttpStatusCode.Created, (await api.ReportAsync(reporter, new { memberId = other.Id, reason = "spam" })).StatusCode);
        }
        var eleventh = await fixture.CreateMemberAsync("female").Within();
        await fixture.ExecuteAsync("INSERT INTO met_pairs (member_low, member_high, first_at) VALUES (LEAST(@a, @b), GREATEST(@a, @b), UTC_TIMESTAMP(3))",
            new { a = reporter.Id, b = eleventh.Id });

        var refused = await api.ReportAsync(reporter, new { memberId = eleventh.Id, reason = "spam" }, fixture.NodeB);

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_reports");
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 86_000, 86_400);
    }
}
