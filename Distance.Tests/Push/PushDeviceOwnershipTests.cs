using System.Net;
using System.Net.Http.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Push;

/// <summary>
/// Push tokens do not outlive sessions (issue #21): a device belongs to the login that registered
/// it last, of whatever member, and a login that was revoked or can no longer be refreshed gets no
/// pushes. Each test also pushes a control member, so "no record" means the relay judged the row.
/// </summary>
[Collection(nameof(PushCollection))]
public sealed class PushDeviceOwnershipTests(PushFixture fixture)
{
    private RoomApi Api => fixture.Api;

    private async Task PutDeviceAsync(TestMember member, object device, DistanceNode node)
    {
        using var client = Api.Client(member, node);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsJsonAsync("/api/me/push", device).Within()).StatusCode);
    }

    /// <summary>Sends to each room in order, waits for the last receiver's push: the relay judged the earlier rows first.</summary>
    private async Task SendInOrderAsync(params (TestMember Sender, long RoomId, long ControlId)[] sends)
    {
        foreach (var (sender, roomId, _) in sends)
        {
            await using var chat = await ChatTestClient.ConnectAsync(fixture.Nodes.NodeA, sender);
            await chat.SendAsync(roomId, "are you there");
        }
        var control = sends[^1].ControlId;
        await Eventually.UntilAsync(async () => (await fixture.RecordsForAsync(control)).Any(r => r["type"] == "message"), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task AnFcmTokenThatLogsIntoAnotherAccountLeavesTheFirstAccountWhichGetsNoMorePushes()
    {
        var token = "shared-phone-" + Guid.NewGuid().ToString("N");
        var (senderToA, a, roomA) = await Api.PairAsync();
        await PutDeviceAsync(a, new { kind = "fcm", token }, fixture.Nodes.NodeA);

        // The phone is handed over: another account logs in on it, through the other node.
        var b = await fixture.Nodes.SignUpAsync("female", node: fixture.Nodes.NodeB);
        await Api.ExecuteSqlAsync("UPDATE members SET student_verified = TRUE WHERE id = @Id", new { b.Id });
        using var http = fixture.Nodes.NodeB.CreateClient();
        var login = await http.PostAsJsonAsync("/api/auth/login", new { phone = b.Phone, password = b.Password, pushToken = token }).Within();
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var senderToB = await Api.MemberAsync();
        var roomB = (await Api.OpenRoomAsync(senderToB, b.AsTestMember())).RoomId;

        Assert.Equal(0, await Api.ScalarAsync("SELECT COUNT(*) FROM push_registrations WHERE member_id = @Id", new { a.Id }));
        await SendInOrderAsync((senderToA, roomA, a.Id), (senderToB, roomB, b.Id));

        Assert.DoesNotContain(await fixture.RecordsForAsync(a.Id), r => r["type"] == "message");
        var pushed = Assert.Single(await fixture.RecordsForAsync(b.Id), r => r["type"] == "message");
        Assert.Equal(token, pushed["pushToken"]);
    }

    [Fact]
    public async Task AWebPushEndpointRegisteredByAnotherAccountOnTheOtherNodeLeavesTheFirstAccount()
    {
        var device = new { kind = "webpush", endpoint = $"https://push.example.com/send/{Guid.NewGuid():N}", p256dh = PushRegistrationTests.P256dh, auth = PushRegistrationTests.Auth };
        var (senderToA, a, roomA) = await Api.PairAsync();
        var (senderToB, b, roomB) = await Api.PairAsync();
        await PutDeviceAsync(a, device, fixture.Nodes.NodeA);
        await PutDeviceAsync(b, device, fixture.Nodes.NodeB);

        await SendInOrderAsync((senderToA, roomA, a.Id), (senderToB, roomB, b.Id));

        Assert.DoesNotContain(await fixture.RecordsForAsync(a.Id), r => r["type"] == "message");
        Assert.Equal(device.endpoint, Assert.Single(await fixture.RecordsForAsync(b.Id), r => r["type"] == "message")["endpoint"]);
        // The member's own second login taking the device moves it too: one device, one login.
        Assert.Equal(1, await Api.ScalarAsync("SELECT COUNT(*) FROM push_registrations WHERE endpoint = @endpoint", new { device.endpoint }));
    }

    [Fact]
    public async Task ALoginWhoseRefreshTokenExpiredOrWasRevokedGetsNoPushes()
    {
        var (senderToExpired, expired, roomExpired) = await Api.PairAsync();
        var (senderToRevoked, revoked, roomRevoked) = await Api.PairAsync();
        var (senderToLive, live, roomLive) = await Api.PairAsync();
        foreach (var member in new[] { expired, revoked, live })
            await PutDeviceAsync(member, new { kind = "fcm", token = "device-" + member.Id }, fixture.Nodes.NodeA);

        // Nobody refreshed this login in time: the session is over even though nobody logged out.
        await Api.ExecuteSqlAsync("UPDATE refresh_tokens SET expires_at = '2020-01-01' WHERE login_id = @LoginId", new { expired.LoginId });
        // Revoked without a logout (refresh reuse, password reset): the registration row is still there.
        await Api.ExecuteSqlAsync("UPDATE logins SET revoked_at = UTC_TIMESTAMP(3) WHERE id = @LoginId", new { revoked.LoginId });

        await SendInOrderAsync((senderToExpired, roomExpired, expired.Id), (senderToRevoked, roomRevoked, revoked.Id), (senderToLive, roomLive, live.Id));

        Assert.DoesNotContain(await fixture.RecordsForAsync(expired.Id), r => r["type"] == "message");
        Assert.DoesNotContain(await fixture.RecordsForAsync(revoked.Id), r => r["type"] == "message");
        // The rows are still there: the relay's query left them out, nothing else did.
        Assert.Equal(2, await Api.ScalarAsync("SELECT COUNT(*) FROM push_registrations WHERE login_id IN (@Expired, @Revoked)", new { Expired = expired.LoginId, Revoked = revoked.LoginId }));
    }
}
