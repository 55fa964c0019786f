using System.Net;
using System.Net.Http.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Identity;

/// <summary>
/// Daily limits across two nodes. Each test gets two fresh nodes on a Redis prefix of its own
/// (so counters start at zero), no resend spacing (so one phone can be asked for repeatedly)
/// and a small per-IP limit (so reaching it is cheap).
/// </summary>
[Collection(nameof(AccountsCollection))]
public sealed class SmsLimitTests(DistanceFixture fixture) : IAsyncLifetime
{
    private const int IpLimit = 4;
    private DistanceNode first = null!;
    private DistanceNode second = null!;

    public Task InitializeAsync()
    {
        var overrides = new Dictionary<string, string?>
        {
            // Under the fixture's prefix, so the fixture's clean-up removes these keys too.
            ["Redis:KeyPrefix"] = $"{fixture.KeyPrefix}limits-{Guid.NewGuid():N}:",
            ["Accounts:SmsResendInterval"] = "00:00:00",
            ["Accounts:SmsDailyLimitPerIp"] = IpLimit.ToString(),
        };
        first = fixture.StartNode(overrides);
        second = fixture.StartNode(overrides);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    private async Task<HttpResponseMessage> RequestAsync(DistanceNode node, string phone, string clientIp)
    {
        using var client = node.CreateClientFrom(clientIp);
        return await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();
    }

    [Fact]
    public async Task TheSixthCodeOfTheDayForOnePhoneIsRefusedWhicheverNodeIsAsked()
    {
        var phone = fixture.NextPhone();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(i % 2 == 0 ? first : second, phone, AccountsTestExtensions.RandomClientIp())).StatusCode);

        var sixth = await RequestAsync(second, phone, AccountsTestExtensions.RandomClientIp());

        await sixth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        // The limit lifts at the next midnight (Korean time), never later than a day away.
        Assert.InRange(sixth.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Assert.Equal(5, (await first.ReadOutboxAsync(phone)).Length);
    }

    [Fact]
    public async Task TheDailyLimitPerClientIpHoldsAcrossNodesAndSparesOtherClients()
    {
        var ip = AccountsTestExtensions.RandomClientIp();
        for (var i = 0; i < IpLimit; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(i % 2 == 0 ? first : second, fixture.NextPhone(), ip)).StatusCode);

        var overLimit = await RequestAsync(first, fixture.NextPhone(), ip);
        var otherClient = await RequestAsync(second, fixture.NextPhone(), "192.0.2.77");

        await overLimit.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        Assert.NotNull(overLimit.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Accepted, otherClient.StatusCode);
    }

    [Fact]
    public async Task SimultaneousRequestsFromOneClientOnTwoNodesNeverPassTheIpLimit()
    {
        var ip = AccountsTestExtensions.RandomClientIp();
        var requests = Enumerable.Range(0, 12).Select(i => RequestAsync(i % 2 == 0 ? first : second, fixture.NextPhone(), ip));

        var responses = await Task.WhenAll(requests).Within();

        Assert.Equal(IpLimit, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(12 - IpLimit, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task AnIpv4ClientCountsTheSameOverIpv4AndDualStackSockets()
    {
        for (var i = 0; i < IpLimit; i++)
            await RequestAsync(first, fixture.NextPhone(), "198.51.100.9");

        var mapped = await RequestAsync(second, fixture.NextPhone(), "::ffff:198.51.100.9");

        await mapped.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
    }
}
