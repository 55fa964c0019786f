using System.Net;
using System.Net.Http.Json;
using System.Text;
using Distance.Realtime.Notifications;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Notifications;

/// <summary>Each SMS adapter against its provider's stand-in: the exact request accepted, bad credentials refused, retries bounded.</summary>
[Collection(nameof(MessagingCollection))]
public sealed class SmsProviderTests(DistanceFixture fixture)
{
    private Dictionary<string, string?> Settings(StandInServer standIn, string provider, params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>(fixture.Settings);
        foreach (var (key, value) in TestServices.PlaceholderSenders)
            settings[key] = value;
        settings.Remove("Messaging:Sms:Endpoint");
        foreach (var (key, value) in standIn.SettingsFor(provider))
            settings[key] = value;
        settings["Messaging:Sms:RetryDelay"] = "00:00:00.010";
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return settings;
    }

    private async Task<HttpResponseMessage> RequestCodeAsync(ProductionNode node, string phone)
    {
        using var client = node.CreateClient();
        // Above the pipeline's own bound (3 attempts of at most 5 s): a fresh node's first request is slow on a loaded machine.
        return await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within(TimeSpan.FromSeconds(45));
    }

    [Theory]
    [InlineData("Solapi", "0215990000")]
    [InlineData("Twilio", "+15005550006")]
    [InlineData("Relay", "")]
    public async Task EachProviderAcceptsTheCodeMessageExactlyAsItsApiDocumentsIt(string provider, string sender)
    {
        await using var standIn = await StandInServer.StartAsync();
        await using var node = new ProductionNode(Settings(standIn, provider));
        var phone = fixture.NextPhone();

        var response = await RequestCodeAsync(node, phone);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = Assert.Single(await standIn.ReceivedAsync(phone));
        Assert.Equal(provider.ToLowerInvariant(), message.GetProperty("provider").GetString());
        Assert.Equal(provider == "Twilio" ? "+82" + phone[1..] : phone, message.GetProperty("to").GetString());
        Assert.Equal(sender, message.GetProperty("from").GetString());
        Assert.Matches(@"(?<!\d)[0-9]{6}(?!\d)", message.GetProperty("text").GetString()!);
        Assert.Equal(1, await standIn.AttemptsAsync(provider.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("Solapi", "Messaging:Sms:Solapi:ApiSecret", "SignatureDoesNotMatch")]
    [InlineData("Solapi", "Messaging:Sms:Solapi:ApiKey", "InvalidAPIKey")]
    [InlineData("Twilio", "Messaging:Sms:Twilio:AuthToken", "20003")]
    public async Task AWrongCredentialIsRefusedOnceLoggedWithTheProvidersReasonAndTheMemberGets503(string provider, string setting, string reason)
    {
        await using var standIn = await StandInServer.StartAsync();
        var logs = new CapturedLogs();
        await using var node = new ProductionNode(Settings(standIn, provider, (setting, provider == "Solapi" && setting.EndsWith("ApiKey") ? "NCSWRONGKEY000001" : "wrong-credential-7b3c9e1f")), logs);
        var phone = fixture.NextPhone();

        var response = await RequestCodeAsync(node, phone);

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Empty(await standIn.ReceivedAsync(phone));
        Assert.Equal(1, await standIn.AttemptsAsync(provider.ToLowerInvariant()));
        var refusal = Assert.Single(logs.Entries, e => e.Category == typeof(SmsDispatch).FullName && e.Message.Contains("refused"));
        Assert.Contains(reason, refusal.Message);
        Assert.Contains(provider.ToLowerInvariant(), refusal.Message);
    }

    [Theory]
    [InlineData("Solapi", 503)]
    [InlineData("Twilio", 500)]
    [InlineData("Relay", 429)]
    public async Task TransientFailuresAreRetriedAndTheCodeStillGoesOut(string provider, int status)
    {
        await using var standIn = await StandInServer.StartAsync();
        await using var node = new ProductionNode(Settings(standIn, provider));
        var phone = fixture.NextPhone();
        await standIn.FailNextAsync(provider.ToLowerInvariant(), status, count: 2);

        var response = await RequestCodeAsync(node, phone);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await standIn.ReceivedAsync(phone));
        Assert.Equal(3, await standIn.AttemptsAsync(provider.ToLowerInvariant()));
    }

    [Fact]
    public async Task RetriesAreBoundedAndEndIn503ForTheMember()
    {
        await using var standIn = await StandInServer.StartAsync();
        var logs = new CapturedLogs();
        await using var node = new ProductionNode(Settings(standIn, "Solapi"), logs);
        var phone = fixture.NextPhone();
        await standIn.FailNextAsync("solapi", 503, count: 100);

        var response = await RequestCodeAsync(node, phone);

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(3, await standIn.AttemptsAsync("solapi"));
        Assert.Contains(logs.Entries, e => e.Message.Contains("solapi refused a message with status 503: InternalError"));
    }

    [Fact]
    public async Task AnUnreachableProviderIsRetriedWithinTheBoundAndIs503()
    {
        await using var standIn = await StandInServer.StartAsync();
        await using var node = new ProductionNode(Settings(standIn, "Twilio", ("Messaging:Sms:Twilio:BaseUrl", "http://127.0.0.1:9")));

        var response = await RequestCodeAsync(node, fixture.NextPhone());

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
    }

    [Fact]
    public async Task AProductionNodeWithAPlaceholderSecretExitsWithOneLineNamingTheSetting()
    {
        await using var standIn = await StandInServer.StartAsync();
        var folder = AppContext.BaseDirectory;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList = { "exec", "--runtimeconfig", Path.Combine(folder, "Distance.Realtime.runtimeconfig.json"), Path.Combine(folder, "Distance.Realtime.dll") },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in Settings(standIn, "Solapi", ("Messaging:Sms:Solapi:ApiSecret", "CHANGE_ME")))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().Within(TimeSpan.FromSeconds(60));

        Assert.Equal(78, process.ExitCode);
        var line = Assert.Single((await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Distance cannot start: Messaging:Sms:Solapi:ApiSecret is a placeholder or a well-known default; set the real secret.", line.TrimEnd());
        Assert.DoesNotContain("Exception", await output);
    }

    [Fact]
    public async Task TheSolapiStandInRefusesAReplayedSignatureAStaleDateAndABadSignature()
    {
        await using var standIn = await StandInServer.StartAsync();
        var account = standIn.Accounts.Solapi;
        var body = $$$"""{"message":{"to":"01012345678","from":"{{{account.From}}}","text":"hello"}}""";
        async Task<(HttpStatusCode, string)> SendAsync(string authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/messages/v4/send") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await standIn.Client.SendAsync(request).Within();
            var error = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>().Within();
            return (response.StatusCode, error.TryGetProperty("errorCode", out var code) ? code.GetString()! : "");
        }

        var signed = SolapiSmsSender.Authorization(account.ApiKey, account.ApiSecret, DateTimeOffset.UtcNow).ToString();
        var stale = SolapiSmsSender.Authorization(account.ApiKey, account.ApiSecret, DateTimeOffset.UtcNow.AddMinutes(-16)).ToString();
        var forged = SolapiSmsSender.Authorization(account.ApiKey, "not-the-secret-0000", DateTimeOffset.UtcNow).ToString();

        Assert.Equal((HttpStatusCode.OK, ""), await SendAsync(signed));
        Assert.Equal((HttpStatusCode.Forbidden, "DuplicatedSignature"), await SendAsync(signed));
        Assert.Equal((HttpStatusCode.Forbidden, "RequestTimeTooSkewed"), await SendAsync(stale));
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), await SendAsync(forged));
        Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized"), await SendAsync("Bearer " + account.ApiKey));
    }
}
