using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Realtime.Identity;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Safety;

/// <summary>/api/admin (contract v2 "Operators"): the role, the queue with evidence, reinstate, ban, and the audit log.</summary>
[Collection(nameof(SafetyCollection))]
public sealed class OperatorTests(DistanceFixture fixture)
{
    private readonly SafetyApi api = new(fixture);

    /// <summary>An access token with the operator role, as login issues it for a listed phone.</summary>
    private async Task<TestMember> OperatorAsync()
    {
        var member = await fixture.CreateMemberAsync().Within();
        return member with { AccessToken = fixture.NodeA.Service<AccessTokenIssuer>().Issue(member.Id, member.LoginId, isOperator: true).Token };
    }

    [Fact]
    public async Task APhoneListedAsOperatorGetsTheRoleAtLoginAndEveryoneElseIsForbidden()
    {
        var phone = fixture.NextPhone();
        await using var operatorNode = fixture.StartNode(new Dictionary<string, string?> { ["Moderation:OperatorPhones:0"] = $"{phone[..3]}-{phone[3..7]}-{phone[7..]}" });
        var token = await operatorNode.VerifyPhoneAsync(phone);
        using var anonymous = operatorNode.CreateClientFrom();
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/api/members", AccountsTestExtensions.SignUpBody(token)).Within()).StatusCode);
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { phone, password = AccountsTestExtensions.DefaultPassword }).Within();
        var accessToken = (await login.Content.ReadFromJsonAsync<JsonElement>().Within()).GetProperty("accessToken").GetString();
        var member = await fixture.CreateMemberAsync().Within();

        using var asOperator = operatorNode.CreateClientFrom(accessToken: accessToken);
        Assert.Equal(HttpStatusCode.OK, (await asOperator.GetAsync("/api/admin/reports").Within()).StatusCode);
        using var asMember = operatorNode.CreateClientFrom(accessToken: member.AccessToken);
        await (await asMember.GetAsync("/api/admin/reports").Within()).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await asMember.PostAsJsonAsync($"/api/admin/members/{member.Id}/reinstate", new { }).Within()).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await asMember.PostAsJsonAsync($"/api/admin/members/{member.Id}/ban", new { reason = "x" }).Within()).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task TheQueueShowsTheMostReportedFirstWithReportsAndEvidenceAndPages()
    {
        var op = await OperatorAsync();
        var once = await fixture.CreateMemberAsync().Within();
        var twice = await fixture.CreateMemberAsync().Within();
        var reporter = await api.VerifiedAsync();
        var room = await api.Rooms.OpenRoomAsync(reporter, twice);
        await using (var hub = await ChatTestClient.ConnectAsync(fixture.NodeB, reporter))
            for (var i = 0; i < 55; i++)
                await hub.SendAsync(room.RoomId, $"message {i}");
        Assert.Equal(HttpStatusCode.Created, (await api.ReportAsync(reporter, new { memberId = twice.Id, reason = "harassment", details = "55 messages", roomId = room.RoomId })).StatusCode);
        await api.ReportedByNewReporterAsync(twice);
        await api.ReportedByNewReporterAsync(once);
        // The reported member leaves too: the room and its messages are deleted.
        Assert.Equal(HttpStatusCode.NoContent, (await api.Rooms.PostAsync(twice, $"/api/rooms/{room.RoomId}/leave")).StatusCode);

        using var client = api.Rooms.Client(op, fixture.NodeB);
        var page = await client.GetFromJsonAsync<JsonElement>("/api/admin/reports?status=open&page=1").Within();

        var items = page.GetProperty("items").EnumerateArray().ToList();
        var ids = items.Select(i => i.GetProperty("member").GetProperty("memberId").GetInt64()).ToList();
        Assert.True(ids.IndexOf(twice.Id) < ids.IndexOf(once.Id), "most reported first");
        var item = items.Single(i => i.GetProperty("member").GetProperty("memberId").GetInt64() == twice.Id);
        Assert.Equal("active", item.GetProperty("member").GetProperty("status").GetString());
        Assert.EndsWith($"#{twice.Id}", item.GetProperty("member").GetProperty("nickname").GetString());
        var report = item.GetProperty("reports").EnumerateArray().Single(r => r.GetProperty("reporterId").GetInt64() == reporter.Id);
        Assert.Equal(("harassment", "55 messages", room.RoomId), (report.GetProperty("reason").GetString(), report.GetProperty("details").GetString(), report.GetProperty("roomId").GetInt64()));
        // The last 50 messages of the room, kept although the room is gone.
        var evidence = item.GetProperty("evidence").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(6, 50).Select(i => (long)i), evidence);
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE room_id = @RoomId", new { room.RoomId }));
        Assert.Equal(1, page.GetProperty("page").GetInt32());

        var beyond = await client.GetFromJsonAsync<JsonElement>("/api/admin/reports?page=100000").Within();
        Assert.Empty(beyond.GetProperty("items").EnumerateArray());
        Assert.False(beyond.GetProperty("hasMore").GetBoolean());
        foreach (var bad in new[] { "?status=closed", "?page=0", "?page=x" })
            await (await client.GetAsync("/api/admin/reports" + bad).Within()).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ReinstatingLiftsTheSuspensionResolvesTheReportsAndIsRecorded()
    {
        var op = await OperatorAsync();
        var signedUp = await fixture.SignUpAsync();
        var member = signedUp.AsTestMember();
        for (var i = 0; i < 3; i++)
            await api.ReportedByNewReporterAsync(member);
        Assert.Equal("suspended", await fixture.ScalarAsync<string>("SELECT moderation FROM members WHERE id = @Id", member));

        var reinstated = await api.Rooms.PostAsync(op, $"/api/admin/members/{member.Id}/reinstate", node: fixture.NodeB);

        Assert.Equal(HttpStatusCode.NoContent, reinstated.StatusCode);
        using var anonymous = fixture.NodeA.CreateClientFrom();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = signedUp.Phone, password = signedUp.Password }).Within()).StatusCode);
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id AND resolved_at IS NULL", member));
        Assert.Equal(1, await fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM moderation_actions WHERE member_id = @Member AND operator_id = @Operator AND action = 'reinstate'", new { Member = member.Id, Operator = op.Id }));
        using var client = api.Rooms.Client(op);
        var resolved = await client.GetFromJsonAsync<JsonElement>("/api/admin/reports?status=resolved").Within();
        Assert.Contains(resolved.GetProperty("items").EnumerateArray(), i => i.GetProperty("member").GetProperty("memberId").GetInt64() == member.Id);
        await (await api.Rooms.PostAsync(op, "/api/admin/members/999999999/reinstate")).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
    }

    [Fact]
    public async Task ABanEndsTheSessionsAndTheBannedPhoneGetsNoCodeNorASecondAccount()
    {
        var op = await OperatorAsync();
        var signedUp = await fixture.SignUpAsync();
        var member = signedUp.AsTestMember();
        var bystander = await api.VerifiedAsync();
        var room = await api.Rooms.OpenRoomAsync(bystander, member);
        await using var hub = fixture.NodeB.CreateHubConnection(member.AccessToken);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartReadyAsync();

        await (await api.Rooms.PostAsync(op, $"/api/admin/members/{member.Id}/ban", new { reason = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await api.Rooms.PostAsync(op, $"/api/admin/members/{member.Id}/ban", new { reason = "threats" })).StatusCode);

        await closed.Task.Within(TimeSpan.FromSeconds(1));
        Assert.Equal("inactive", (await api.Rooms.RoomAsync(bystander, room.RoomId)).Status);
        using var anonymous = fixture.NodeB.CreateClientFrom();
        await (await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = signedUp.Phone, password = signedUp.Password }).Within())
            .AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
        // The account is deleted by an operator's database clean-up, say: the phone stays banned.
        await fixture.ExecuteAsync("DELETE FROM members WHERE id = @Id", member);
        foreach (var purpose in new[] { "signup", "password-reset" })
            await (await anonymous.PostAsJsonAsync("/api/verifications/sms", new { phone = signedUp.Phone, purpose }).Within())
                .AssertProblemAsync(HttpStatusCode.Forbidden, "phone_banned");
        Assert.Equal(1, await fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM moderation_actions WHERE member_id = @Member AND action = 'ban' AND reason = 'threats'", new { Member = member.Id }));
    }
}
