using System.Net;
using Distance.Tests.Infrastructure;
using static Distance.Tests.Identity.SessionRequests;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace Distance.Tests.Identity;

[Collection(nameof(SessionsCollection))]
public sealed class PasswordResetTests(DistanceFixture fixture)
{
    [Fact]
    public async Task ResettingThePasswordChangesItAndEndsEverySession()
    {
        var member = await fixture.SignUpAsync();
        await using var hub = fixture.NodeB.CreateHubConnection(member.AccessToken);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartReadyAsync();
        // Sign-up just sent a code to this phone; lift the resend spacing rather than wait a minute.
        await fixture.NodeA.Service<IDatabase>().KeyDeleteAsync("sms:resend:" + member.Phone).Within();
        var token = await fixture.NodeA.VerifyPhoneAsync(member.Phone, "password-reset");

        var response = await fixture.PostAsync("/api/auth/password-reset", new { verificationToken = token, newPassword = "a brand new secret" }, fixture.NodeB);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await closed.Task.Within(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.MeStatusAsync(member.AccessToken));
        await (await fixture.PostAsync("/api/auth/refresh", new { refreshToken = member.RefreshToken }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await (await fixture.PostAsync("/api/auth/login", new { phone = member.Phone, password = member.Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        await TokensOf(await fixture.PostAsync("/api/auth/login", new { phone = member.Phone, password = "a brand new secret" }));
        var reused = await fixture.PostAsync("/api/auth/password-reset", new { verificationToken = token, newPassword = "yet another one" });
        await reused.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    [Fact]
    public async Task AWeakNewPasswordIsRefusedWithoutUsingTheToken()
    {
        var member = await fixture.CreateMemberAsync().Within();
        var token = await fixture.NodeA.VerifyPhoneAsync(member.Phone, "password-reset");

        var weak = await fixture.PostAsync("/api/auth/password-reset", new { verificationToken = token, newPassword = "1234567" });

        var problem = await weak.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.NoContent,
            (await fixture.PostAsync("/api/auth/password-reset", new { verificationToken = token, newPassword = "12345678" })).StatusCode);
    }

    [Fact]
    public async Task ASignUpTokenCannotResetAPasswordAndAnUnknownOneIsGone()
    {
        var signUpToken = await fixture.NodeA.VerifyPhoneAsync(fixture.NextPhone());

        var wrongPurpose = await fixture.PostAsync("/api/auth/password-reset", new { verificationToken = signUpToken, newPassword = "long enough" });
        var unknown = await fixture.PostAsync("/api/auth/password-reset", new { verificationToken = "unknown-token", newPassword = "long enough" });

        await wrongPurpose.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await unknown.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }
}
