using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Identity;

[Collection(nameof(SignUpCollection))]
public sealed class SignUpTests(DistanceFixture fixture)
{
    private async Task<HttpResponseMessage> SignUpAsync(Dictionary<string, object?> body, DistanceNode? node = null)
    {
        using var client = (node ?? fixture.NodeA).CreateClientFrom();
        return await client.PostAsJsonAsync("/api/members", body).Within();
    }

    private Task<long> MembersWithPhoneAsync(string phone) =>
        fixture.ScalarAsync<long>("SELECT COUNT(*) FROM members WHERE phone = @phone", new { phone });

    [Fact]
    public async Task SigningUpCreatesTheMemberAndReturnsWorkingTokens()
    {
        var phone = fixture.NextPhone();
        var token = await fixture.NodeA.VerifyPhoneAsync(phone);
        var body = AccountsTestExtensions.SignUpBody(token, gender: "female", schoolCode: "EWHA");
        body["mbti"] = "enfp";

        var response = await SignUpAsync(body, fixture.NodeB);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        var member = created.GetProperty("member");
        var id = member.GetProperty("memberId").GetInt64();
        Assert.Equal(phone, member.GetProperty("phone").GetString());
        Assert.Equal($"컴퓨터공학과ENFP#{id}", member.GetProperty("nickname").GetString());
        Assert.Equal("female", member.GetProperty("gender").GetString());
        Assert.Equal("EWHA", member.GetProperty("school").GetProperty("code").GetString());
        Assert.Equal("이화여자대학교", member.GetProperty("school").GetProperty("name").GetString());
        Assert.False(member.GetProperty("studentVerified").GetBoolean());
        Assert.Equal(3, member.GetProperty("roomCapacity").GetInt32());
        Assert.EndsWith("Z", member.GetProperty("createdAt").GetString());
        var tokens = created.GetProperty("tokens");
        var accessExpires = tokens.GetProperty("accessTokenExpiresAt").GetDateTime();
        var refreshExpires = tokens.GetProperty("refreshTokenExpiresAt").GetDateTime();
        Assert.InRange(accessExpires - DateTime.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        Assert.InRange(refreshExpires - DateTime.UtcNow, TimeSpan.FromDays(13.9), TimeSpan.FromDays(14.1));

        using var client = fixture.NodeA.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me").Within();
        Assert.Equal(id, me.GetProperty("memberId").GetInt64());
        // The password is stored as a salted hash, never as given.
        var hash = await fixture.ScalarAsync<string>("SELECT password_hash FROM members WHERE id = @id", new { id });
        Assert.DoesNotContain(AccountsTestExtensions.DefaultPassword, hash);
    }

    [Fact]
    public async Task AVerificationTokenSignsUpOnlyOnce()
    {
        var token = await fixture.NodeA.VerifyPhoneAsync(fixture.NextPhone());
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(AccountsTestExtensions.SignUpBody(token))).StatusCode);

        var again = await SignUpAsync(AccountsTestExtensions.SignUpBody(token), fixture.NodeB);

        await again.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    [Fact]
    public async Task AnUnknownVerificationTokenIsGone()
    {
        var response = await SignUpAsync(AccountsTestExtensions.SignUpBody("bm90LWEtcmVhbC10b2tlbg"));

        await response.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    public static TheoryData<string, object?, string> InvalidFields => new()
    {
        { "password", "short7!", "password" },
        { "password", new string('p', 129), "password" },
        { "password", null, "password" },
        { "gender", "other", "gender" },
        { "schoolCode", "NOPE", "schoolCode" },
        { "schoolCode", null, "schoolCode" },
        { "college", "", "college" },
        { "department", new string('학', 51), "department" },
        { "character", new string('x', 51), "character" },
        { "mbti", "ABCD", "mbti" },
        { "tags", new[] { "하나" }, "tags" },
        { "tags", new[] { "a", "b", "c", "d", "e" }, "tags" },
        { "tags", new[] { "같음", "같음" }, "tags" },
        { "hobbies", new[] { "", "산책" }, "hobbies" },
        { "hobbies", new[] { new string('h', 31) }, "hobbies" },
        { "referrerPhone", "12345", "referrerPhone" },
        { "verificationToken", null, "verificationToken" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task AnInvalidFieldIsRefusedAndNeitherCreatesAMemberNorUsesTheToken(string field, object? value, string errorKey)
    {
        var phone = fixture.NextPhone();
        var token = await fixture.NodeA.VerifyPhoneAsync(phone);
        var body = AccountsTestExtensions.SignUpBody(token);
        body[field] = value;

        var response = await SignUpAsync(body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(errorKey, out _), $"errors should name {errorKey}");
        Assert.Equal(0, await MembersWithPhoneAsync(phone));
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(AccountsTestExtensions.SignUpBody(token))).StatusCode);
    }

    [Fact]
    public async Task UnknownJsonFieldsAreRefused()
    {
        var token = await fixture.NodeA.VerifyPhoneAsync(fixture.NextPhone());
        var body = AccountsTestExtensions.SignUpBody(token);
        body["roomCapacity"] = 5;

        var response = await SignUpAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task APhoneTakenAfterItsVerificationIsAConflictAndTheTokenSurvives()
    {
        var phone = fixture.NextPhone();
        var token = await fixture.NodeA.VerifyPhoneAsync(phone);
        await fixture.ExecuteAsync("""
            INSERT INTO members (phone, password_hash, gender, school_code, college, department, mbti, `character`, tags, hobbies, created_at, last_active_at)
            VALUES (@phone, 'x', 'male', 'GACHON', 'c', 'd', 'INTJ', 'c', '[]', '[]', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
            """, new { phone });

        var response = await SignUpAsync(AccountsTestExtensions.SignUpBody(token));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "phone_taken");
        Assert.Equal(1, await MembersWithPhoneAsync(phone));
    }

    [Fact]
    public async Task AReferralRaisesTheReferrersRoomCapacityByOneUpToFive()
    {
        var referrer = await fixture.SignUpAsync();

        for (var i = 0; i < 3; i++)
            await fixture.SignUpAsync(referrerPhone: referrer.Phone);

        Assert.Equal(5, await fixture.ScalarAsync<int>("SELECT room_capacity FROM members WHERE id = @Id", referrer));
        var fourth = await fixture.SignUpAsync(referrerPhone: $"{referrer.Phone[..3]}-{referrer.Phone[3..7]}-{referrer.Phone[7..]}");
        Assert.Equal(5, await fixture.ScalarAsync<int>("SELECT room_capacity FROM members WHERE id = @Id", referrer));
        Assert.Equal(3, await fixture.ScalarAsync<int>("SELECT room_capacity FROM members WHERE id = @Id", fourth));
    }

    [Fact]
    public async Task AnUnknownReferrerIsIgnoredSoTheAnswerRevealsNothing()
    {
        var phone = fixture.NextPhone();
        var token = await fixture.NodeA.VerifyPhoneAsync(phone);
        var body = AccountsTestExtensions.SignUpBody(token);
        var unknownReferrer = fixture.NextPhone();
        body["referrerPhone"] = unknownReferrer;

        var response = await SignUpAsync(body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain("referrer", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await MembersWithPhoneAsync(phone));
        Assert.Equal(0, await MembersWithPhoneAsync(unknownReferrer));
        // The token was used: it cannot be handed back to probe another referrer.
        await (await SignUpAsync(AccountsTestExtensions.SignUpBody(token))).AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    [Fact]
    public async Task OneCannotReferOneself()
    {
        var phone = fixture.NextPhone();
        var token = await fixture.NodeA.VerifyPhoneAsync(phone);
        var body = AccountsTestExtensions.SignUpBody(token);
        body["referrerPhone"] = phone;

        var response = await SignUpAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, await MembersWithPhoneAsync(phone));
    }

    [Fact]
    public async Task APasswordResetTokenCannotSignUp()
    {
        var member = await fixture.CreateMemberAsync().Within(); // no sign-up code just sent, so no resend spacing
        var resetToken = await fixture.NodeA.VerifyPhoneAsync(member.Phone, "password-reset");

        var response = await SignUpAsync(AccountsTestExtensions.SignUpBody(resetToken));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}

[CollectionDefinition(nameof(SignUpCollection))]
public sealed class SignUpCollection : ICollectionFixture<DistanceFixture>;
