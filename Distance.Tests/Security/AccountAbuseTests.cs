using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Threading.RateLimiting;
using Distance.Realtime.Identity;
using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.Security;

/// <summary>
/// Guessing and cost attacks on the accounts routes (issue #21, #15), each on two nodes with tight
/// limits and a Redis prefix of its own, so every count starts at zero.
/// </summary>
[Collection(nameof(AccountAbuseCollection))]
public sealed class AccountAbuseTests(DistanceFixture fixture)
{
    private (DistanceNode A, DistanceNode B) StartPair(Dictionary<string, string?> overrides)
    {
        overrides["Redis:KeyPrefix"] = $"{fixture.KeyPrefix}abuse-{Guid.NewGuid():N}:";
        overrides["Accounts:SmsResendInterval"] = "00:00:00";
        return (fixture.StartNode(overrides), fixture.StartNode(overrides));
    }

    private static async Task<HttpResponseMessage> PostAsync(DistanceNode node, string path, object body, string? clientIp = null)
    {
        using var client = node.CreateClientFrom(clientIp);
        return await client.PostAsJsonAsync(path, body).Within();
    }

    private static Task<HttpResponseMessage> RequestCodeAsync(DistanceNode node, string phone, string purpose, string? clientIp = null) =>
        PostAsync(node, "/api/verifications/sms", new { phone, purpose }, clientIp);

    private static Task<HttpResponseMessage> ConfirmAsync(DistanceNode node, string phone, string code, string? clientIp = null) =>
        PostAsync(node, "/api/verifications/sms/confirm", new { phone, code }, clientIp);

    private static async Task<string> StoredCodeAsync(DistanceNode node, string phone) =>
        (await node.Service<IDatabase>().HashGetAsync("sms:code:" + phone, "code").Within()).ToString();

    [Fact]
    public async Task WrongCodesFromOneAddressLockThatAddressOutOnEveryNodeButNoOther()
    {
        var (a, b) = StartPair(new() { ["Accounts:ConfirmFailuresPerAddress"] = "3" });
        await using var _ = a;
        await using var __ = b;
        var attacker = AccountsTestExtensions.RandomClientIp();
        var victims = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var victim = (await fixture.CreateMemberAsync().Within()).Phone;
            victims.Add(victim);
            Assert.Equal(HttpStatusCode.Accepted, (await RequestCodeAsync(a, victim, "password-reset")).StatusCode);
            await (await ConfirmAsync(i % 2 == 0 ? a : b, victim, "12345678", attacker)).AssertProblemAsync(HttpStatusCode.BadRequest, "code_mismatch");
        }

        // Even the right code is refused from the locked address, on either node.
        var locked = await ConfirmAsync(b, victims[0], await StoredCodeAsync(a, victims[0]), attacker);
        var elsewhere = await ConfirmAsync(a, victims[1], await StoredCodeAsync(a, victims[1]), AccountsTestExtensions.RandomClientIp());

        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task WrongResetCodesFromManyAddressesLockResetsClusterWideRaiseTheMetricAndSpareSignUp()
    {
        var (a, b) = StartPair(new() { ["Accounts:ResetConfirmFailuresCluster"] = "4" });
        await using var _ = a;
        await using var __ = b;
        using var failures = new MetricRecorder(b.Service<IMeterFactory>().Create(DistanceMetrics.MeterName));
        var victim = (await fixture.CreateMemberAsync().Within()).Phone;
        for (var i = 0; i < 4; i++)
        {
            // A botnet: every guess from a new address, alternating nodes, a new code every try.
            Assert.Equal(HttpStatusCode.Accepted, (await RequestCodeAsync(a, victim, "password-reset")).StatusCode);
            await (await ConfirmAsync(i % 2 == 0 ? a : b, victim, "00000000", AccountsTestExtensions.RandomClientIp()))
                .AssertProblemAsync(HttpStatusCode.BadRequest, "code_mismatch");
        }
        Assert.Equal(HttpStatusCode.Accepted, (await RequestCodeAsync(b, victim, "password-reset")).StatusCode);

        var locked = await ConfirmAsync(b, victim, await StoredCodeAsync(a, victim), AccountsTestExtensions.RandomClientIp());
        var newcomer = fixture.NextPhone();
        Assert.Equal(HttpStatusCode.Accepted, (await RequestCodeAsync(a, newcomer, "signup")).StatusCode);
        var signUp = await ConfirmAsync(a, newcomer, await StoredCodeAsync(a, newcomer));

        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        Assert.True(failures.Sum("distance.accounts.code_confirmations.failed", ("purpose", "password-reset")) >= 2);
        Assert.Equal(1, failures.Sum("distance.accounts.lockouts", ("kind", "confirm")));
    }

    [Fact]
    public async Task TenWrongPasswordsForOnePhoneFromAnyAddressesStopItsLoginsOnEveryNode()
    {
        var (a, b) = StartPair([]);
        await using var _ = a;
        await using var __ = b;
        var member = await fixture.SignUpAsync(node: a);
        var bystander = await fixture.SignUpAsync(node: a);
        for (var i = 0; i < 10; i++)
        {
            var wrong = await PostAsync(i % 2 == 0 ? a : b, "/api/auth/login", new { phone = member.Phone, password = "guess number " + i },
                AccountsTestExtensions.RandomClientIp());
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var right = await PostAsync(b, "/api/auth/login", new { phone = member.Phone, password = member.Password }, AccountsTestExtensions.RandomClientIp());
        var other = await PostAsync(a, "/api/auth/login", new { phone = bystander.Phone, password = bystander.Password });

        await right.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.InRange(right.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task AForgedTokenIsRefusedWithoutQueueingForTheHasherAndASaturatedNodeSaysBusy()
    {
        var (a, b) = StartPair(new() { ["Accounts:PasswordHashConcurrency"] = "1", ["Accounts:PasswordHashQueue"] = "0" });
        await using var _ = a;
        await using var __ = b;
        var phone = fixture.NextPhone();
        var token = await a.VerifyPhoneAsync(phone);
        // Hold node A's only hashing slot: any request that hashed would now be refused as busy.
        var limiter = (ConcurrencyLimiter)typeof(PasswordWork).GetField("limiter", BindingFlags.NonPublic | BindingFlags.Instance)!
            .GetValue(a.Service<PasswordWork>())!;
        var slot = await limiter.AcquireAsync(1).AsTask().Within();
        Assert.True(slot.IsAcquired);

        var forgedSignUp = await PostAsync(a, "/api/members", AccountsTestExtensions.SignUpBody("forged-" + Guid.NewGuid()));
        var forgedReset = await PostAsync(a, "/api/auth/password-reset", new { verificationToken = "forged", newPassword = "long enough password" });
        var real = await PostAsync(a, "/api/members", AccountsTestExtensions.SignUpBody(token));

        await forgedSignUp.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
        await forgedReset.AssertProblemAsync(HttpStatusCode.Gone, "code_expired");
        await real.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(TimeSpan.FromSeconds(1), real.Headers.RetryAfter!.Delta);
        slot.Dispose();
        // The busy answer gave the token back.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(b, "/api/members", AccountsTestExtensions.SignUpBody(token))).StatusCode);
    }

    [Fact]
    public async Task TheHourlySmsBudgetHoldsAcrossNodesAndItsUseIsReported()
    {
        var (a, b) = StartPair(new() { ["Accounts:SmsHourlyBudget"] = "3" });
        await using var _ = a;
        await using var __ = b;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await RequestCodeAsync(i % 2 == 0 ? a : b, fixture.NextPhone(), "signup")).StatusCode);

        var refused = await RequestCodeAsync(b, fixture.NextPhone(), "signup");
        // A reset for an unknown phone sends nothing, so it spends nothing and still answers 202.
        var silent = await RequestCodeAsync(a, fixture.NextPhone(), "password-reset");

        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "sms_budget_exhausted");
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Accepted, silent.StatusCode);
        Assert.Equal(3, await a.Service<SmsVerification>().BudgetUsedAsync().Within());
        await Eventually.UntilAsync(() => Task.FromResult(ObservedBudget(b) == (3, 3)), TimeSpan.FromSeconds(15), "node B never reported the budget");
    }

    [Fact]
    public async Task ResponsesThatCarryTokensAreNeverStored()
    {
        var member = await fixture.SignUpAsync();
        var phone = fixture.NextPhone();
        var token = await fixture.NodeA.VerifyPhoneAsync(phone);

        var login = await PostAsync(fixture.NodeB, "/api/auth/login", new { phone = member.Phone, password = member.Password });
        var refresh = await PostAsync(fixture.NodeA, "/api/auth/refresh", new { refreshToken = member.RefreshToken });
        var signUp = await PostAsync(fixture.NodeA, "/api/members", AccountsTestExtensions.SignUpBody(token));
        var refused = await PostAsync(fixture.NodeA, "/api/auth/login", new { phone = member.Phone, password = "not the password" });

        foreach (var response in new[] { login, refresh, signUp, refused })
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri}: {response.Headers.CacheControl}");
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created], new[] { login.StatusCode, refresh.StatusCode, signUp.StatusCode });
    }

    /// <summary>The budget gauges of one node, as a scrape would read them.</summary>
    private static (long Used, long Limit) ObservedBudget(DistanceNode node)
    {
        var meter = node.Service<IMeterFactory>().Create(DistanceMetrics.MeterName);
        long used = -1, limit = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name.StartsWith("distance.accounts.sms.budget.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name.EndsWith(".used", StringComparison.Ordinal))
                used = value;
            else
                limit = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return (used, limit);
    }
}

[CollectionDefinition(nameof(AccountAbuseCollection))]
public sealed class AccountAbuseCollection : ICollectionFixture<DistanceFixture>;
