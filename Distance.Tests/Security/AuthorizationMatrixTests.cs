using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Distance.Realtime.Chat;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Security;

/// <summary>
/// Every route (from the node's endpoint list) and the hub, called by whoever must not get in:
/// no token, an expired, forged, wrong-audience, wrong-issuer or unsigned token, a deactivated
/// member, and a member who is not in the room or request at hand. Each is refused with the
/// contract's status and code.
/// </summary>
[Collection(nameof(SecurityCollection))]
public sealed class AuthorizationMatrixTests(SecurityFixture fixture)
{
    private static readonly string[] AnonymousByDesign =
    [
        "GET /api/push/webpush-key", "GET /dev/outbox", "GET /health/live", "GET /health/ready", "GET /metrics", "GET /api/schools/",
        "GET /openapi/v1.json",
        "POST /api/auth/login", "POST /api/auth/logout", "POST /api/auth/password-reset", "POST /api/auth/refresh",
        "POST /api/members", "POST /api/verifications/sms", "POST /api/verifications/sms/confirm",
    ];

    private readonly RoomApi api = new(fixture.Distance);
    private DistanceNode Node => fixture.Distance.NodeA;

    [Fact]
    public void OnlyTheRoutesMeantForAnonymousClientsAreOpenWithoutAToken()
    {
        // The test host runs as Development, which adds the browsable API page: its assets are public.
        var open = EndpointCatalog.Routes(Node).Where(r => r.Anonymous).Select(r => r.ToString())
            .Where(route => !route.StartsWith("GET /scalar/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Equal(AnonymousByDesign.Order(StringComparer.Ordinal), open);
    }

    [Fact]
    public async Task EveryProtectedRouteRefusesEveryTokenThatIsNotAValidOneWith401()
    {
        var (member, other, roomId) = await api.PairAsync();
        var key = fixture.Distance.Settings["Jwt:SigningKey"]!;
        var wrong = new List<string>();
        foreach (var route in EndpointCatalog.Routes(Node).Where(r => !r.Anonymous))
        {
            var path = route.Path(n => n == "roomId" ? roomId.ToString() : other.Id.ToString());
            foreach (var (kind, token, code) in TestTokens.Refused(key, member.Id, member.LoginId))
            {
                var (status, actual) = await CallAsync(route, path, token);
                if (status != HttpStatusCode.Unauthorized || actual != code)
                    wrong.Add($"{route} with {kind} → {(int)status} {actual}, expected 401 {code}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task TheHubRefusesToConnectWithAnyTokenThatIsNotAValidOne()
    {
        var member = await fixture.Distance.CreateMemberAsync();
        var key = fixture.Distance.Settings["Jwt:SigningKey"]!;
        foreach (var (kind, token, code) in TestTokens.Refused(key, member.Id, member.LoginId))
        {
            await using var connection = Node.CreateHubConnection(token ?? "");
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().Within());
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{kind}: {refused.StatusCode}");

            using var client = Node.CreateClient();
            if (token is not null)
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var negotiate = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null).Within();
            await negotiate.AssertProblemAsync(HttpStatusCode.Unauthorized, code);
        }
    }

    [Fact]
    public async Task ADeactivatedMemberIsRefusedEverywhereAndCannotLogInOrRefresh()
    {
        var member = await fixture.Distance.SignUpAsync();
        var (other, _, roomId) = await api.PairAsync();
        // Three verified members who met the member report them: suspended (contract v2).
        for (var i = 0; i < 3; i++)
        {
            var reporter = await api.MemberAsync("female");
            Assert.True((await api.PostAsync(reporter, "/api/rooms", new { memberId = member.Id })).IsSuccessStatusCode);
            var filed = await api.PostAsync(reporter, "/api/reports", new { memberId = member.Id, reason = "spam" });
            Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        }

        var wrong = new List<string>();
        foreach (var route in EndpointCatalog.Routes(Node).Where(r => !r.Anonymous))
        {
            var (status, code) = await CallAsync(route, route.Path(n => n == "roomId" ? roomId.ToString() : other.Id.ToString()), member.AccessToken);
            if (status != HttpStatusCode.Unauthorized || code != "token_invalid")
                wrong.Add($"{route} → {(int)status} {code}");
        }
        Assert.Empty(wrong);

        await using var connection = Node.CreateHubConnection(member.AccessToken);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().Within());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var client = Node.CreateClientFrom();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { phone = member.Phone, password = member.Password }).Within();
        await login.AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
        var refresh = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }).Within();
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Fact]
    public async Task AMemberOutsideARoomOrRequestGets404OnEachOfItsRoutesAndHubMethods()
    {
        var (a, b, roomId) = await api.PairAsync();
        var outsider = await api.MemberAsync();
        var sender = await api.MemberAsync();
        var requestId = await api.ScalarAsync(
            "INSERT INTO room_requests (from_member_id, to_member_id, created_at) VALUES (@From, @To, UTC_TIMESTAMP(3)); SELECT LAST_INSERT_ID();",
            new { From = sender.Id, To = b.Id });

        var wrong = new List<string>();
        foreach (var route in EndpointCatalog.Routes(Node).Where(r => r.RouteParameters.Contains("roomId") || r.RouteParameters.Contains("requestId")))
        {
            var path = route.Path(n => n == "roomId" ? roomId.ToString() : requestId.ToString());
            var expected = route.RouteParameters.Contains("roomId") ? "room_not_found" : "not_found";
            // The sender of a request may not accept or decline it either: only its receiver may.
            foreach (var (who, caller) in new[] { ("an outsider", outsider), ("the request's sender", sender) })
            {
                if (who == "the request's sender" && expected == "room_not_found")
                    continue;
                var (status, code) = await CallAsync(route, path, caller.AccessToken, body: new { seq = 1 });
                if (status != HttpStatusCode.NotFound || code != expected)
                    wrong.Add($"{route} as {who} → {(int)status} {code}, expected 404 {expected}");
            }
        }
        Assert.Empty(wrong);
        Assert.DoesNotContain(await api.RoomsAsync(outsider), r => r.RoomId == roomId);
        using var inbox = api.Client(outsider);
        Assert.Equal("[]", await inbox.GetStringAsync("/api/requests").Within());

        await using var hub = await ChatTestClient.ConnectAsync(Node, outsider);
        foreach (var call in new Func<Task>[]
                 {
                     () => hub.SendAsync(roomId, "let me in"),
                     () => hub.SyncAsync(roomId, 0),
                     () => hub.MarkReadAsync(roomId, 1),
                 })
            Assert.Equal("room_not_found", (await Assert.ThrowsAsync<HubException>(call)).Message);
        await using var member = await ChatTestClient.ConnectAsync(Node, a);
        Assert.Empty(await member.SyncAsync(roomId, 0)); // nothing got in
    }

    [Fact]
    public async Task EveryOperatorRouteRefusesAMemberWithoutTheOperatorRoleWith403()
    {
        var (member, other, _) = await api.PairAsync();
        var routes = EndpointCatalog.Routes(Node).Where(r => r.Template.StartsWith("/api/admin", StringComparison.Ordinal)).ToList();

        var wrong = new List<string>();
        foreach (var route in routes)
        {
            var (status, code) = await CallAsync(route, route.Path(_ => other.Id.ToString()), member.AccessToken, body: new { reason = "x" });
            if (status != HttpStatusCode.Forbidden || code != "forbidden")
                wrong.Add($"{route} → {(int)status} {code}");
        }

        Assert.Equal(3, routes.Count);
        Assert.Empty(wrong);
        Assert.Equal("active", await fixture.Distance.ScalarAsync<string>("SELECT moderation FROM members WHERE id = @Id", other));
    }

    [Fact]
    public async Task AMemberWhoBlockedTheCallerIsHiddenOnEveryRouteThatNamesAMember()
    {
        var blocker = await api.MemberAsync("female");
        var caller = await api.MemberAsync();
        await fixture.Distance.ExecuteAsync("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (@A, @B, UTC_TIMESTAMP(3))", new { A = blocker.Id, B = caller.Id });

        var wrong = new List<string>();
        foreach (var (method, path, body) in new (string, string, object?)[]
                 {
                     ("GET", $"/api/members/{blocker.Id}", null),
                     ("POST", "/api/rooms", new { memberId = blocker.Id }),
                     ("POST", "/api/blocks", new { memberId = blocker.Id }),
                     ("POST", "/api/reports", new { memberId = blocker.Id, reason = "spam" }),
                 })
        {
            using var client = Node.CreateClientFrom(accessToken: caller.AccessToken);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request).Within();
            var code = await response.ProblemCodeAsync();
            if (response.StatusCode != HttpStatusCode.NotFound || code != "member_not_found")
                wrong.Add($"{method} {path} → {(int)response.StatusCode} {code}");
        }
        Assert.Empty(wrong);
    }

    private async Task<(HttpStatusCode Status, string? Code)> CallAsync(RouteInfo route, string path, string? token, object? body = null)
    {
        using var client = Node.CreateClientFrom(accessToken: token);
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
        if (route.Method is "POST" or "PUT" or "PATCH")
            request.Content = JsonContent.Create(body ?? new { });
        using var response = await client.SendAsync(request).Within();
        var code = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? await response.ProblemCodeAsync() : null;
        return (response.StatusCode, code);
    }
}
