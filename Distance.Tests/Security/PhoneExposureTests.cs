using System.Net;
using System.Net.Http.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Security;

/// <summary>
/// The fixture's scanner (Infrastructure/PhoneLeaks) watches every response and hub message of
/// every suite for the phones the fixture handed out; this drives the whole product once, through
/// its real routes and the hub on two nodes, and requires that phones showed only where the
/// contract allows: the owner's profile and the consented reveal.
/// </summary>
[Collection(nameof(SecurityCollection))]
public sealed class PhoneExposureTests(SecurityFixture fixture)
{
    private readonly RoomApi api = new(fixture.Distance);
    private DistanceFixture Distance => fixture.Distance;

    [Fact]
    public void TheScannerRecognisesAHandedOutPhoneInEitherFormatAndNothingElse()
    {
        var phone = Distance.NextPhone();
        var dashed = $"{phone[..3]}-{phone[3..7]}-{phone[7..]}";

        Assert.Equal([phone], Distance.PhoneLeaks.Find($"{{\"x\":\"{dashed}\",\"y\":{phone}}}"));
        Assert.Empty(Distance.PhoneLeaks.Find("01099999999 010-0000-0000 " + phone + "1"));
    }

    [Fact]
    public async Task APhoneShowsOnlyInItsOwnersProfileAndTheConsentedRevealAcrossTheWholeProduct()
    {
        var (a, b, c) = (await Distance.SignUpAsync(), await Distance.SignUpAsync(gender: "female"), await Distance.SignUpAsync());
        var (ma, mb, mc) = (a.AsTestMember(), b.AsTestMember(), c.AsTestMember());
        await VerifyStudentAsync(ma);
        await Distance.ExecuteAsync("UPDATE members SET student_verified = TRUE WHERE id IN @Ids", new { Ids = new[] { b.Id, c.Id } });

        // Profiles and schools.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(ma, "/api/me")).StatusCode);
        using (var client = api.Client(ma))
            Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync("/api/me", new { mbti = "ENFP" }).Within()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(ma, $"/api/members/{b.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(ma, "/api/schools?query=" + Uri.EscapeDataString("가천"))).StatusCode);

        // A room, chat on two nodes, reads, history.
        await using var hubA = await ChatTestClient.ConnectAsync(Distance.NodeA, ma);
        await using var hubB = await ChatTestClient.ConnectAsync(Distance.NodeB, mb);
        var roomId = (await api.OpenRoomAsync(ma, mb)).RoomId;
        for (var i = 0; i < 12; i++)
            await (i % 2 == 0 ? hubA : hubB).SendAsync(roomId, $"안녕 {i} — my number? ask me later");
        await hubB.MarkReadAsync(roomId, 12);
        Assert.Equal(12, (await hubA.SyncAsync(roomId, 0)).Count);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(ma, $"/api/rooms/{roomId}/messages?limit=200")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(ma, $"/api/rooms/{roomId}/read", new { seq = 12 })).StatusCode);
        Assert.NotEmpty(await api.RoomsAsync(mb));

        // Consent from both, then the reveal (allowed), from both sides.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(ma, $"/api/rooms/{roomId}/phone-consent")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(mb, $"/api/rooms/{roomId}/phone-consent")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(ma, $"/api/rooms/{roomId}/phone")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(mb, $"/api/rooms/{roomId}/phone")).StatusCode);

        // A request to a full member, seen live and in the inbox, declined; a report.
        await Distance.ExecuteAsync("UPDATE members SET room_capacity = 1 WHERE id = @Id", new { b.Id });
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync(mc, "/api/rooms", new { memberId = b.Id })).StatusCode);
        var request = await hubB.Requests.Reader.NextAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(mb, "/api/requests")).StatusCode);
        using (var client = api.Client(mb))
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/requests/{request.RequestId}").Within()).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(mc, "/api/reports", new { memberId = b.Id, reason = "harassment", details = "asked for my number" })).StatusCode);

        // Sessions: login, refresh, logout, password reset.
        using (var anonymous = Distance.NodeB.CreateClientFrom())
        {
            var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { phone = c.Phone, password = c.Password }).Within();
            var tokens = await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>().Within();
            var refreshed = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }).Within();
            var next = await refreshed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>().Within();
            Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/auth/logout", new { refreshToken = next.GetProperty("refreshToken").GetString() }).Within()).StatusCode);
            // c got its sign-up code seconds ago; lift the 60 s resend spacing instead of waiting it out.
            await Distance.NodeA.Service<StackExchange.Redis.IDatabase>().KeyDeleteAsync("sms:resend:" + c.Phone).Within();
            var resetToken = await Distance.NodeA.VerifyPhoneAsync(c.Phone, "password-reset");
            Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { verificationToken = resetToken, newPassword = "another long password" }).Within()).StatusCode);
        }

        // Leaving (a system message to both) and deleting an account (RoomUpdated to the opponent).
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(ma, $"/api/rooms/{roomId}/leave")).StatusCode);
        await hubB.NextRoomUpdateAsync(roomId);
        var d = await Distance.CreateMemberAsync(studentVerified: true);
        var room2 = await api.OpenRoomAsync(d, mb);
        await Distance.GivePasswordAsync(d);
        using (var client = api.Client(d))
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAccountAsync()).StatusCode);
        await hubB.NextRoomUpdateAsync(room2.RoomId);

        // Blocks, a report with evidence, and the operators' queue, reinstate and ban.
        var e = await Distance.CreateMemberAsync(studentVerified: true);
        await Distance.ExecuteAsync("UPDATE members SET room_capacity = 3 WHERE id = @Id", new { b.Id });
        var room3 = await api.OpenRoomAsync(e, mb);
        await hubB.SendAsync(room3.RoomId, "hello, what is your number?");
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(ma, "/api/blocks", new { memberId = e.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(ma, "/api/blocks")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(e, "/api/reports", new { memberId = b.Id, reason = "other", roomId = room3.RoomId })).StatusCode);
        var op = await Distance.CreateMemberAsync();
        op = op with { AccessToken = Distance.NodeA.Service<Distance.Realtime.Identity.AccessTokenIssuer>().Issue(op.Id, op.LoginId, isOperator: true).Token };
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(op, "/api/admin/reports?status=open")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(op, $"/api/admin/members/{b.Id}/reinstate")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(op, "/api/admin/reports?status=resolved")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(op, $"/api/admin/members/{c.Id}/ban", new { reason = "spam" })).StatusCode);
        using (var anonymous = Distance.NodeB.CreateClientFrom())
            await (await anonymous.PostAsJsonAsync("/api/verifications/sms", new { phone = c.Phone, purpose = "signup" }).Within())
                .AssertProblemAsync(HttpStatusCode.Forbidden, "phone_banned");

        Assert.Empty(Distance.PhoneLeaks.Violations);
        // The scanner did see the phones where they belong, so it was looking.
        var seen = Distance.PhoneLeaks.AllowedSightings.Keys.ToList();
        Assert.Contains("GET /api/me", seen);
        Assert.Contains("PATCH /api/me", seen);
        Assert.Contains("POST /api/members", seen);
        Assert.Contains($"GET /api/rooms/{roomId}/phone", seen);
    }

    private async Task VerifyStudentAsync(TestMember member)
    {
        var email = $"s{member.Id}@gachon.ac.kr";
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync(member, "/api/verifications/school-email", new { email })).StatusCode);
        var code = await Distance.NodeA.LatestCodeAsync(email);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync(member, "/api/verifications/school-email/confirm", new { code })).StatusCode);
    }
}
