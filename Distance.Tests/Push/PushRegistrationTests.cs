using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Push;

[Collection(nameof(PushCollection))]
public sealed class PushRegistrationTests(PushFixture fixture)
{
    internal const string P256dh = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    internal const string Auth = "BTBZMqHH6r4Tts7J_aSIgg";

    private Task<long> CountAsync(string sql, object parameters) => fixture.Api.ScalarAsync(sql, parameters);

    private async Task<HttpResponseMessage> PutAsync(TestMember member, object body)
    {
        using var client = fixture.Api.Client(member);
        return await client.PutAsJsonAsync("/api/me/push", body).Within();
    }

    [Fact]
    public async Task ALoginRegistersOneDeviceAndASecondPutReplacesIt()
    {
        var member = await fixture.Api.MemberAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(member, new { kind = "fcm", token = "fcm-token-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(member, new { kind = "webpush", endpoint = "https://push.example.com/send/abc", p256dh = P256dh, auth = Auth })).StatusCode);

        Assert.Equal(1, await CountAsync(
            "SELECT COUNT(*) FROM push_registrations WHERE login_id = @LoginId AND kind = 'webpush' AND endpoint = 'https://push.example.com/send/abc' AND p256dh = @P256dh AND auth = @Auth",
            new { member.LoginId, P256dh, Auth }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM push_registrations WHERE member_id = @Id", new { member.Id }));
        using var client = fixture.Api.Client(member);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/me/push").Within()).StatusCode);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM push_registrations WHERE member_id = @Id", new { member.Id }));
    }

    [Fact]
    public async Task EachLoginOfAMemberHasItsOwnDeviceAndLogoutRemovesOnlyItsOwn()
    {
        var member = await fixture.Nodes.SignUpAsync();
        using var http = fixture.Nodes.NodeA.CreateClient();
        var second = await (await http.PostAsJsonAsync("/api/auth/login", new { phone = member.Phone, password = member.Password, pushToken = "phone-2" }).Within())
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(member.AsTestMember(), new { kind = "fcm", token = "phone-1" })).StatusCode);
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM push_registrations WHERE member_id = @Id", new { member.Id }));

        var logout = await http.PostAsJsonAsync("/api/auth/logout", new { refreshToken = second.GetProperty("refreshToken").GetString() }).Within();

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM push_registrations WHERE member_id = @Id AND token = 'phone-1'", new { member.Id }));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM push_registrations WHERE token = 'phone-2'", new { member.Id }));
    }

    public static TheoryData<string, string> MalformedRegistrations => new()
    {
        { """{"kind":"apns","token":"x"}""", "kind" },
        { """{"token":"x"}""", "kind" },
        { """{"kind":"fcm"}""", "token" },
        { """{"kind":"fcm","token":"has space"}""", "token" },
        { $$"""{"kind":"fcm","token":"{{new string('t', 513)}}"}""", "token" },
        { $$"""{"kind":"webpush","endpoint":"not a url","p256dh":"{{P256dh}}","auth":"{{Auth}}"}""", "endpoint" },
        { $$"""{"kind":"webpush","endpoint":"https://push.example.com/x","p256dh":"AAAA","auth":"{{Auth}}"}""", "p256dh" },
        { $$"""{"kind":"webpush","endpoint":"https://push.example.com/x","p256dh":"{{P256dh}}","auth":"short"}""", "auth" },
        { """{"kind":"webpush"}""", "endpoint" },
    };

    [Theory]
    [MemberData(nameof(MalformedRegistrations))]
    public async Task AMalformedRegistrationIsRefusedWithValidationFailed(string json, string field)
    {
        var member = await fixture.Api.MemberAsync();
        using var client = fixture.Api.Client(member);

        var response = await client.PutAsync("/api/me/push", new StringContent(json, System.Text.Encoding.UTF8, "application/json")).Within();

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"errors names {field}: {body}");
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM push_registrations WHERE member_id = @Id", new { member.Id }));
    }

    [Fact]
    public async Task TheWebPushKeyIsThePublicVapidKeyAndNotFoundWhenWebPushIsOff()
    {
        using var client = fixture.Nodes.NodeA.CreateClient();
        var key = await client.GetFromJsonAsync<JsonElement>("/api/push/webpush-key").Within();
        Assert.Equal(fixture.Vapid.PublicKey, key.GetProperty("publicKey").GetString());

        await using var off = fixture.Nodes.StartNode(new Dictionary<string, string?> { ["Push:WebPush:PublicKey"] = "" });
        using var offClient = off.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await offClient.GetAsync("/api/push/webpush-key").Within()).StatusCode);
    }
}
