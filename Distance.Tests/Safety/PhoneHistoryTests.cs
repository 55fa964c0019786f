using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.Safety;

/// <summary>Reports survive account deletion under the phone's keyed hash and come back with the phone (contract v2 "Reports").</summary>
[Collection(nameof(SafetyCollection))]
public sealed class PhoneHistoryTests(DistanceFixture fixture)
{
    private readonly SafetyApi api = new(fixture);

    [Fact]
    public async Task AMemberWhoDeletesAndSignsUpAgainKeepsTheirReports()
    {
        var first = await fixture.SignUpAsync();
        var reporters = new[] { await api.ReportedByNewReporterAsync(first.AsTestMember()), await api.ReportedByNewReporterAsync(first.AsTestMember()) };

        await DeleteAsync(first);
        // Kept without the number: only the keyed hash says whose they are.
        Assert.Equal(2, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id AND reported_phone_hash IS NOT NULL", first));
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_phone_hash = @Phone", new { first.Phone }));

        var again = await SignUpAgainAsync(first.Phone);

        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal(2, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM reports WHERE reported_id = @Id AND counts", again));
        // Still blocked by both reporters, and the third verified reporter suspends.
        await (await api.Rooms.PostAsync(reporters[0], "/api/rooms", new { memberId = again.Id })).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        await api.ReportedByNewReporterAsync(again.AsTestMember());
        Assert.Equal("suspended", await fixture.ScalarAsync<string>("SELECT moderation FROM members WHERE id = @Id", again));
    }

    [Fact]
    public async Task ASuspendedMemberWhoDeletesComesBackSuspended()
    {
        var first = await fixture.SignUpAsync();
        for (var i = 0; i < 3; i++)
            await api.ReportedByNewReporterAsync(first.AsTestMember());
        // Suspended: the member cannot sign in to delete, so an earlier deletion is played by the same steps.
        await fixture.NodeA.Service<Distance.Realtime.Members.MemberDeletion>().DeleteAsync(first.Id, CancellationToken.None).Within();

        await fixture.NodeB.Service<IDatabase>().KeyDeleteAsync("sms:resend:" + first.Phone).Within();
        var token = await fixture.NodeB.VerifyPhoneAsync(first.Phone);
        using var client = fixture.NodeB.CreateClientFrom();
        var response = await client.PostAsJsonAsync("/api/members", AccountsTestExtensions.SignUpBody(token)).Within();

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
        var login = await client.PostAsJsonAsync("/api/auth/login", new { phone = first.Phone, password = first.Password }).Within();
        await login.AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
    }

    private async Task DeleteAsync(SignedUpMember member)
    {
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAccountAsync()).StatusCode);
    }

    private async Task<SignedUpMember> SignUpAgainAsync(string phone)
    {
        await fixture.NodeB.Service<IDatabase>().KeyDeleteAsync("sms:resend:" + phone).Within();
        var token = await fixture.NodeB.VerifyPhoneAsync(phone);
        using var client = fixture.NodeB.CreateClientFrom();
        var response = await client.PostAsJsonAsync("/api/members", AccountsTestExtensions.SignUpBody(token)).Within();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        var tokens = body.GetProperty("tokens");
        return new SignedUpMember(body.GetProperty("member").GetProperty("memberId").GetInt64(), phone, AccountsTestExtensions.DefaultPassword,
            tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("refreshToken").GetString()!);
    }
}
