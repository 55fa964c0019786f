using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Realtime.RateLimiting;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.Security;

/// <summary>
/// Contract v2: a festival crowd behind one address (campus Wi-Fi, carrier NAT) signs up under the
/// production limits, while one phone still gets at most one code a minute.
/// </summary>
[Collection(nameof(FestivalSignUpCollection))]
public sealed class FestivalSignUpTests(DistanceFixture fixture)
{
    private const int Crowd = 300;

    /// <summary>The per-IP buckets a sign-up passes, back at their production defaults (the fixture makes them generous).</summary>
    private Dictionary<string, string?> ProductionPerIpLimits()
    {
        var defaults = new RateLimitingOptions();
        var settings = new Dictionary<string, string?>();
        foreach (var (section, limit) in new[] { ("RateLimiting:Verification", defaults.Verification), ("RateLimiting:Anonymous", defaults.Anonymous) })
            foreach (var (key, value) in RateLimitSettings.Bucket(section, limit.TokenLimit, limit.TokensPerPeriod, limit.ReplenishmentPeriod))
                settings[key] = value;
        settings["Redis:KeyPrefix"] = $"{fixture.KeyPrefix}festival-{Guid.NewGuid():N}:";
        return settings;
    }

    [Fact]
    public async Task ThreeHundredPhonesBehindOneAddressSignUpWithinTenMinutesWhileOnePhoneStaysLimited()
    {
        var settings = ProductionPerIpLimits();
        await using var a = fixture.StartNode(settings);
        await using var b = fixture.StartNode(settings);
        var campus = AccountsTestExtensions.RandomClientIp();
        var phones = Enumerable.Range(0, Crowd).Select(_ => fixture.NextPhone()).ToArray();
        var clock = Stopwatch.StartNew();

        var outcomes = new HttpStatusCode[Crowd];
        await Parallel.ForEachAsync(Enumerable.Range(0, Crowd), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var node = i % 2 == 0 ? a : b;
            using var client = node.CreateClientFrom(campus);
            var sent = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = phones[i], purpose = "signup" }).Within();
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            var code = (await node.Service<IDatabase>().HashGetAsync("sms:code:" + phones[i], "code").Within()).ToString();
            var confirmed = await client.PostAsJsonAsync("/api/verifications/sms/confirm", new { phone = phones[i], code }).Within();
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            var token = (await confirmed.Content.ReadFromJsonAsync<JsonElement>().Within()).GetProperty("verificationToken").GetString()!;
            var signedUp = await client.PostAsJsonAsync("/api/members", AccountsTestExtensions.SignUpBody(token)).Within(TimeSpan.FromSeconds(30));
            outcomes[i] = signedUp.StatusCode;
        });
        var elapsed = clock.Elapsed;

        Assert.All(outcomes, status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.True(elapsed < TimeSpan.FromMinutes(10), $"took {elapsed}");
        Assert.Equal(Crowd, await fixture.ScalarAsync<int>("SELECT COUNT(*) FROM members WHERE phone IN @phones", new { phones }));
        // The per-phone limits stand: a 301st phone gets its code, and a second one inside the minute is refused on the other node.
        var latecomer = fixture.NextPhone();
        using var first = a.CreateClientFrom(campus);
        using var again = b.CreateClientFrom(campus);
        Assert.Equal(HttpStatusCode.Accepted,
            (await first.PostAsJsonAsync("/api/verifications/sms", new { phone = latecomer, purpose = "signup" }).Within()).StatusCode);
        var refused = await again.PostAsJsonAsync("/api/verifications/sms", new { phone = latecomer, purpose = "signup" }).Within();
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Crowd} sign-ups from one address took {elapsed.TotalSeconds:0.0} s"));
    }
}

[CollectionDefinition(nameof(FestivalSignUpCollection))]
public sealed class FestivalSignUpCollection : ICollectionFixture<DistanceFixture>;
