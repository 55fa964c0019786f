using System.Net;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using static Distance.Tests.Identity.SessionRequests;

namespace Distance.Tests.Identity;

[Collection(nameof(SessionsCollection))]
public sealed class SessionTests(DistanceFixture fixture)
{
    [Fact]
    public async Task LoggingInReturnsTokensAndRecordsActivityAndThePushToken()
    {
        var member = await fixture.SignUpAsync();
        await fixture.ExecuteAsync("UPDATE members SET last_active_at = '2020-01-01' WHERE id = @Id", member);

        var response = await fixture.PostAsync("/api/auth/login",
            new { phone = $"{member.Phone[..3]}-{member.Phone[3..7]}-{member.Phone[7..]}", password = member.Password, pushToken = "push-device-1" },
            fixture.NodeB);

        var tokens = await TokensOf(response);
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(tokens.GetProperty("accessToken").GetString()!));
        Assert.Equal(1, await fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM push_registrations r JOIN logins l ON l.id = r.login_id WHERE r.member_id = @Id AND r.kind = 'fcm' AND r.token = 'push-device-1' AND l.revoked_at IS NULL", member));
        var lastActive = await fixture.ScalarAsync<DateTime>("SELECT last_active_at FROM members WHERE id = @Id", member);
        Assert.True(lastActive > DateTime.UtcNow.AddMinutes(-1), "login marks the member active");
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownPhoneAreTheSameInvalidCredentials()
    {
        var member = await fixture.SignUpAsync();

        var wrong = await fixture.PostAsync("/api/auth/login", new { phone = member.Phone, password = "wrong password" });
        var unknown = await fixture.PostAsync("/api/auth/login", new { phone = fixture.NextPhone(), password = member.Password });

        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task ADeactivatedMemberIsRefusedOnlyOnceThePasswordIsRight()
    {
        var member = await fixture.SignUpAsync();
        await fixture.ExecuteAsync("UPDATE members SET deactivated_at = UTC_TIMESTAMP(3) WHERE id = @Id", member);

        var right = await fixture.PostAsync("/api/auth/login", new { phone = member.Phone, password = member.Password });
        var wrong = await fixture.PostAsync("/api/auth/login", new { phone = member.Phone, password = "wrong password" });

        await right.AssertProblemAsync(HttpStatusCode.Forbidden, "account_deactivated");
        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task ALoginWithoutAWellFormedPhoneOrPasswordIsAValidationProblem()
    {
        var badPhone = await fixture.PostAsync("/api/auth/login", new { phone = "12345", password = "whatever1" });
        var noPassword = await fixture.PostAsync("/api/auth/login", new { phone = fixture.NextPhone() });
        var hugePushToken = await fixture.PostAsync("/api/auth/login", new { phone = fixture.NextPhone(), password = "whatever1", pushToken = new string('p', 513) });

        await badPhone.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await noPassword.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await hugePushToken.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task RefreshingRotatesBothTokensOnAnyNode()
    {
        var member = await fixture.SignUpAsync();

        var first = await TokensOf(await fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }, fixture.NodeB));
        var second = await TokensOf(await fixture.PostAsync("/api/auth/refresh", new { refreshToken = first.GetProperty("refreshToken").GetString() }));

        Assert.NotEqual(member.RefreshToken, first.GetProperty("refreshToken").GetString());
        Assert.NotEqual(first.GetProperty("refreshToken").GetString(), second.GetProperty("refreshToken").GetString());
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(second.GetProperty("accessToken").GetString()!));
    }

    [Fact]
    public async Task PresentingARotatedRefreshTokenRevokesTheWholeLoginAtOnce()
    {
        var member = await fixture.SignUpAsync();
        var rotated = await TokensOf(await fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }));
        var currentAccess = rotated.GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(currentAccess));

        var reuse = await fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }, fixture.NodeB);

        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_reused");
        var successor = await fixture.PostAsync("/api/auth/refresh", new { refreshToken = rotated.GetProperty("refreshToken").GetString() });
        await successor.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.MeStatusAsync(currentAccess, fixture.NodeA));
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.MeStatusAsync(member.AccessToken, fixture.NodeB));
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM logins WHERE member_id = @Id AND revoked_at IS NULL", member));
    }

    [Fact]
    public async Task TwoSimultaneousUsesOfOneRefreshTokenNeverBothSucceed()
    {
        var member = await fixture.SignUpAsync();

        var responses = await Task.WhenAll(
            fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }, fixture.NodeA),
            fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }, fixture.NodeB)).Within();

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        await responses.Single(r => r.StatusCode != HttpStatusCode.OK).AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_reused");
    }

    [Fact]
    public async Task UnknownMalformedOrMissingRefreshTokensAreRefused()
    {
        var unknown = await fixture.PostAsync("/api/auth/refresh", new { refreshToken = Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_') });
        var malformed = await fixture.PostAsync("/api/auth/refresh", new { refreshToken = "not a token" });
        var missing = await fixture.PostAsync("/api/auth/refresh", new { });

        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await malformed.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task AnExpiredRefreshTokenIsExpired()
    {
        var member = await fixture.SignUpAsync();
        await fixture.ExecuteAsync(
            "UPDATE refresh_tokens rt JOIN logins l ON l.id = rt.login_id SET rt.expires_at = '2020-01-01' WHERE l.member_id = @Id", member);

        var response = await fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_expired");
    }

    [Fact]
    public async Task LoggingOutRevokesThatLoginAndForgetsItsPushTokenButNoOtherLogin()
    {
        var member = await fixture.SignUpAsync();
        var device = await TokensOf(await fixture.PostAsync("/api/auth/login", new { phone = member.Phone, password = member.Password, pushToken = "push-to-forget" }));
        Assert.Equal(1, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM push_registrations WHERE token = 'push-to-forget' AND member_id = @Id", member));

        var logout = await fixture.PostAsync("/api/auth/logout", new { refreshToken = device.GetProperty("refreshToken").GetString() }, fixture.NodeB);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.MeStatusAsync(device.GetProperty("accessToken").GetString()!));
        var refresh = await fixture.PostAsync("/api/auth/refresh", new { refreshToken = device.GetProperty("refreshToken").GetString() });
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM push_registrations WHERE token = 'push-to-forget' AND member_id = @Id", member));
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(member.AccessToken)); // the sign-up login is another device
        var again = await fixture.PostAsync("/api/auth/logout", new { refreshToken = device.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var unknown = await fixture.PostAsync("/api/auth/logout", new { refreshToken = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }
}

[CollectionDefinition(nameof(SessionsCollection))]
public sealed class SessionsCollection : ICollectionFixture<DistanceFixture>;
