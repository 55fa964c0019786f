using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.StudentVerification;

[Collection(nameof(StudentVerificationCollection))]
public sealed class SchoolEmailTests(DistanceFixture fixture)
{
    private static string Address(string domain) => $"s{Guid.NewGuid():N}"[..12] + "@" + domain;

    private static async Task<HttpResponseMessage> PostAsync(DistanceNode node, string token, string path, object body)
    {
        using var client = node.CreateClientFrom(accessToken: token);
        return await client.PostAsJsonAsync(path, body).Within();
    }

    private async Task<bool> StudentVerifiedAsync(TestMember member) =>
        await fixture.ScalarAsync<bool>("SELECT student_verified FROM members WHERE id = @Id", member);

    [Fact]
    public async Task ACodeSentToASchoolAddressVerifiesTheMemberThroughAnotherNode()
    {
        var member = await fixture.CreateMemberAsync(schoolCode: "HANYANG").Within();
        var email = Address("hanyang.ac.kr");

        var sent = await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email", new { email = email.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var code = await fixture.NodeB.LatestCodeAsync(email);
        Assert.Matches("^[0-9A-Z]{6}$", code);
        var ttl = await fixture.NodeA.Service<IDatabase>().KeyTimeToLiveAsync($"school-email:code:{member.Id}:{email}").Within();
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(9.5), TimeSpan.FromMinutes(10));
        Assert.False(await StudentVerifiedAsync(member));

        var confirmed = await PostAsync(fixture.NodeB, member.AccessToken, "/api/verifications/school-email/confirm", new { code = code.ToLowerInvariant() });

        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        Assert.True(await StudentVerifiedAsync(member));
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me").Within();
        Assert.True(me.GetProperty("studentVerified").GetBoolean());
    }

    [Fact]
    public async Task AnAddressOutsideTheMembersSchoolDomainsIsRefused()
    {
        var member = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var email = Address("korea.ac.kr");

        var response = await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email", new { email });

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "email_domain_mismatch");
        Assert.Empty(await fixture.NodeA.ReadOutboxAsync(email));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("two@@gachon.ac.kr")]
    [InlineData("")]
    [InlineData(null)]
    public async Task AMalformedAddressIsAValidationProblem(string? email)
    {
        var member = await fixture.CreateMemberAsync().Within();

        var response = await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email", new { email });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task AWrongCodeIsAMismatchAndNoPendingCodeIsGone()
    {
        var member = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var none = await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email/confirm", new { code = "ABC123" });
        await none.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");

        var email = Address("gachon.ac.kr");
        await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email", new { email });
        var code = await fixture.NodeA.LatestCodeAsync(email);
        var wrong = await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email/confirm",
            new { code = code == "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ" });

        await wrong.AssertProblemAsync(HttpStatusCode.BadRequest, "code_mismatch");
        Assert.False(await StudentVerifiedAsync(member));
    }

    [Fact]
    public async Task AnotherMembersCodeForTheSameAddressDoesNotVerify()
    {
        var owner = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var other = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var email = Address("gachon.ac.kr");
        await PostAsync(fixture.NodeA, owner.AccessToken, "/api/verifications/school-email", new { email });
        var code = await fixture.NodeA.LatestCodeAsync(email);

        var response = await PostAsync(fixture.NodeA, other.AccessToken, "/api/verifications/school-email/confirm", new { code });

        await response.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
        Assert.False(await StudentVerifiedAsync(other));
    }

    [Fact]
    public async Task ASecondStudentAskingForTheSameAddressCannotVoidTheFirstsCode()
    {
        var victim = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var attacker = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var email = Address("gachon.ac.kr");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(fixture.NodeA, victim.AccessToken, "/api/verifications/school-email", new { email })).StatusCode);
        var victimsCode = await fixture.NodeA.LatestCodeAsync(email);

        // The attacker asks for the victim's address on the other node, within the resend minute.
        var attackers = await PostAsync(fixture.NodeB, attacker.AccessToken, "/api/verifications/school-email", new { email });
        Assert.Equal(HttpStatusCode.Accepted, attackers.StatusCode);
        Assert.NotEqual(victimsCode, await fixture.NodeA.LatestCodeAsync(email));

        var confirmed = await PostAsync(fixture.NodeA, victim.AccessToken, "/api/verifications/school-email/confirm", new { code = victimsCode });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        Assert.True(await StudentVerifiedAsync(victim));
    }

    [Fact]
    public async Task AnAddressThatVerifiesOneAccountCannotVerifyAnother()
    {
        var first = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var second = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var email = Address("gachon.ac.kr");
        // Both ask before either confirms: the request-time check cannot stop the second one.
        await PostAsync(fixture.NodeA, first.AccessToken, "/api/verifications/school-email", new { email });
        var firstCode = await fixture.NodeA.LatestCodeAsync(email);
        await PostAsync(fixture.NodeB, second.AccessToken, "/api/verifications/school-email", new { email });
        var secondCode = await fixture.NodeA.LatestCodeAsync(email);
        Assert.Equal(HttpStatusCode.NoContent,
            (await PostAsync(fixture.NodeA, first.AccessToken, "/api/verifications/school-email/confirm", new { code = firstCode })).StatusCode);

        var confirmed = await PostAsync(fixture.NodeB, second.AccessToken, "/api/verifications/school-email/confirm", new { code = secondCode });
        var askedAgain = await PostAsync(fixture.NodeB, second.AccessToken, "/api/verifications/school-email", new { email });

        await confirmed.AssertProblemAsync(HttpStatusCode.Conflict, "email_in_use");
        await askedAgain.AssertProblemAsync(HttpStatusCode.Conflict, "email_in_use");
        Assert.False(await StudentVerifiedAsync(second));
        Assert.Equal(first.Id, await fixture.ScalarAsync<long>("SELECT member_id FROM school_emails WHERE email = @email", new { email }));
    }

    [Fact]
    public async Task ADeletedAccountFreesItsSchoolAddress()
    {
        var first = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var second = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var email = Address("gachon.ac.kr");
        await PostAsync(fixture.NodeA, first.AccessToken, "/api/verifications/school-email", new { email });
        await PostAsync(fixture.NodeA, first.AccessToken, "/api/verifications/school-email/confirm", new { code = await fixture.NodeA.LatestCodeAsync(email) });
        await fixture.ExecuteAsync("DELETE FROM members WHERE id = @Id", first);

        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(fixture.NodeA, second.AccessToken, "/api/verifications/school-email", new { email })).StatusCode);
        var confirmed = await PostAsync(fixture.NodeA, second.AccessToken, "/api/verifications/school-email/confirm",
            new { code = await fixture.NodeA.LatestCodeAsync(email) });

        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        Assert.True(await StudentVerifiedAsync(second));
    }

    [Fact]
    public async Task AskingAgainForOneAddressWithinAMinuteIsRefused()
    {
        var member = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        var email = Address("gachon.ac.kr");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(fixture.NodeA, member.AccessToken, "/api/verifications/school-email", new { email })).StatusCode);

        var again = await PostAsync(fixture.NodeB, member.AccessToken, "/api/verifications/school-email", new { email });

        await again.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        Assert.NotNull(again.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task BothRoutesNeedAnAccessToken()
    {
        using var client = fixture.NodeA.CreateClient();

        var send = await client.PostAsJsonAsync("/api/verifications/school-email", new { email = "a@gachon.ac.kr" }).Within();
        var confirm = await client.PostAsJsonAsync("/api/verifications/school-email/confirm", new { code = "ABC123" }).Within();

        await send.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await confirm.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }
}

[CollectionDefinition(nameof(StudentVerificationCollection))]
public sealed class StudentVerificationCollection : ICollectionFixture<DistanceFixture>;
