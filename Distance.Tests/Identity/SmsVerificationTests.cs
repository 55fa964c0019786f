using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.Identity;

[Collection(nameof(AccountsCollection))]
public sealed class SmsVerificationTests(DistanceFixture fixture)
{
    [Fact]
    public async Task RequestingACodeSendsSixDigitsThatLiveInRedisFor180Seconds()
    {
        var phone = fixture.NextPhone();
        using var client = fixture.NodeA.CreateClientFrom();

        var response = await client.PostAsJsonAsync("/api/verifications/sms",
            new { phone = $"{phone[..3]}-{phone[3..7]}-{phone[7..]}", purpose = "signup" }).Within();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal(180, body.GetProperty("expiresInSeconds").GetInt32());
        var messages = await fixture.NodeA.ReadOutboxAsync(phone);
        var message = Assert.Single(messages);
        Assert.Equal(phone, message.GetProperty("to").GetString());
        var code = await fixture.NodeA.LatestCodeAsync(phone);
        Assert.Matches("^[0-9]{6}$", code);
        var ttl = await fixture.NodeA.Service<IDatabase>().KeyTimeToLiveAsync("sms:code:" + phone).Within();
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(170), TimeSpan.FromSeconds(180));
    }

    [Fact]
    public async Task ACodeIssuedThroughNodeAIsConfirmedThroughNodeB()
    {
        var phone = fixture.NextPhone();
        using var clientA = fixture.NodeA.CreateClientFrom();
        using var clientB = fixture.NodeB.CreateClientFrom();
        Assert.Equal(HttpStatusCode.Accepted, (await clientA.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within()).StatusCode);
        var code = await fixture.NodeB.LatestCodeAsync(phone); // the outbox is the same on every node

        var response = await clientB.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code }).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal(43, body.GetProperty("verificationToken").GetString()!.Length);
        Assert.Equal(600, body.GetProperty("expiresInSeconds").GetInt32());
    }

    [Fact]
    public async Task ACodeStaysValidWhenTheNodeThatIssuedItIsReplacedByANewOne()
    {
        var phone = fixture.NextPhone();
        string code;
        await using (var issuing = fixture.StartNode())
        {
            using var client = issuing.CreateClientFrom();
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within()).StatusCode);
            code = await issuing.LatestCodeAsync(phone);
        }

        await using var restarted = fixture.StartNode();
        using var next = restarted.CreateClientFrom();
        var response = await next.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code }).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AWrongCodeIsAMismatchAndTheFifthWrongTryBurnsTheCode()
    {
        var phone = fixture.NextPhone();
        using var client = fixture.NodeA.CreateClientFrom();
        await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();
        var code = await fixture.NodeA.LatestCodeAsync(phone);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            // Alternate nodes: the attempt counter lives in Redis, not in either node.
            using var any = (attempt % 2 == 0 ? fixture.NodeB : fixture.NodeA).CreateClientFrom();
            var response = await any.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code = wrong }).Within();
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "code_mismatch");
        }

        var afterBurn = await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code }).Within();
        await afterBurn.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    [Fact]
    public async Task FourWrongTriesLeaveTheCodeUsable()
    {
        var phone = fixture.NextPhone();
        using var client = fixture.NodeA.CreateClientFrom();
        await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();
        var code = await fixture.NodeA.LatestCodeAsync(phone);
        for (var attempt = 1; attempt <= 4; attempt++)
            await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code = "12345x" }).Within();

        var response = await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code }).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ConfirmingWhenNoCodeWasSentIsGone()
    {
        using var client = fixture.NodeA.CreateClientFrom();

        var response = await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone = fixture.NextPhone(), code = "123456" }).Within();

        await response.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    [Fact]
    public async Task ACodeWorksOnlyOnce()
    {
        var phone = fixture.NextPhone();
        using var client = fixture.NodeA.CreateClientFrom();
        await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();
        var code = await fixture.NodeA.LatestCodeAsync(phone);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code }).Within()).StatusCode);

        var again = await fixture.NodeB.CreateClientFrom().PostAsJsonAsync("/api/verifications/sms/confirm", new { phone, code }).Within();

        await again.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
    }

    [Fact]
    public async Task AskingAgainWithinSixtySecondsIsRefusedOnEveryNodeWithRetryAfter()
    {
        var phone = fixture.NextPhone();
        using var clientA = fixture.NodeA.CreateClientFrom();
        using var clientB = fixture.NodeB.CreateClientFrom();
        Assert.Equal(HttpStatusCode.Accepted, (await clientA.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within()).StatusCode);

        var response = await clientB.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Single(await fixture.NodeA.ReadOutboxAsync(phone));
    }

    [Fact]
    public async Task SimultaneousRequestsForOnePhoneOnTwoNodesSendExactlyOneCode()
    {
        var phone = fixture.NextPhone();
        var requests = Enumerable.Range(0, 10).Select(async i =>
        {
            using var client = (i % 2 == 0 ? fixture.NodeA : fixture.NodeB).CreateClientFrom();
            return (await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" })).StatusCode;
        });

        var statuses = await Task.WhenAll(requests).Within();

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Single(await fixture.NodeA.ReadOutboxAsync(phone));
    }

    [Fact]
    public async Task ASignUpCodeForARegisteredPhoneIsRefusedAndCountsLikeASentCode()
    {
        var member = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom();
        using var other = fixture.NodeB.CreateClientFrom();

        var response = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = member.Phone, purpose = "signup" }).Within();
        var again = await other.PostAsJsonAsync("/api/verifications/sms", new { phone = member.Phone, purpose = "signup" }).Within();

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "phone_taken");
        // Asking again within the minute is refused like a resend: the 409 is no free oracle.
        await again.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        Assert.NotNull(again.Headers.RetryAfter);
        Assert.Empty(await fixture.NodeA.ReadOutboxAsync(member.Phone));
        Assert.False(await fixture.NodeA.Service<IDatabase>().KeyExistsAsync("sms:code:" + member.Phone).Within());
    }

    [Fact]
    public async Task APasswordResetCodeForAnUnknownPhoneIsAcceptedLikeAnyOtherButSendsNothing()
    {
        var member = await fixture.CreateMemberAsync().Within();
        var stranger = fixture.NextPhone();
        using var client = fixture.NodeA.CreateClientFrom();

        var known = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = member.Phone, purpose = "password-reset" }).Within();
        var unknown = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = stranger, purpose = "password-reset" }).Within();

        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.Matches("^[0-9]{8}$", await fixture.NodeA.LatestCodeAsync(member.Phone));
        Assert.Empty(await fixture.NodeA.ReadOutboxAsync(stranger));
        // Confirming answers the same for both: a wrong code is a mismatch, not "no code".
        var wrongKnown = await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone = member.Phone, code = "00000000" }).Within();
        var wrongUnknown = await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone = stranger, code = "00000000" }).Within();
        await wrongKnown.AssertProblemAsync(HttpStatusCode.BadRequest, "code_mismatch");
        await wrongUnknown.AssertProblemAsync(HttpStatusCode.BadRequest, "code_mismatch");
        // And asking again is spaced the same way.
        var again = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = stranger, purpose = "password-reset" }).Within();
        await again.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
    }
}

[CollectionDefinition(nameof(AccountsCollection))]
public sealed class AccountsCollection : ICollectionFixture<DistanceFixture>;
