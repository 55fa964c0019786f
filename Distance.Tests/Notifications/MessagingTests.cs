using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Distance.Realtime.Notifications;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Tests.Notifications;

[Collection(nameof(MessagingCollection))]
public sealed class MessagingTests(DistanceFixture fixture)
{
    private Dictionary<string, string?> ProductionSettings(FakeSmsProvider? sms = null, FakeSmtpServer? smtp = null)
    {
        var settings = new Dictionary<string, string?>(fixture.Settings);
        foreach (var (key, value) in TestServices.PlaceholderSenders)
            settings[key] = value;
        settings["Messaging:Sms:ApiKey"] = "provider-key";
        if (sms is not null)
            settings["Messaging:Sms:Endpoint"] = sms.Endpoint;
        if (smtp is not null)
            settings["Messaging:Smtp:Port"] = smtp.Port.ToString();
        return settings;
    }

    [Fact]
    public async Task TheOutboxListsMessagesNewestFirstOnEveryNode()
    {
        var phone = fixture.NextPhone();
        var messenger = fixture.NodeA.Service<Messenger>();
        await messenger.SendSmsAsync(phone, "first 111111", CancellationToken.None).Within();
        await messenger.SendSmsAsync(phone, "second 222222", CancellationToken.None).Within();

        var messages = await fixture.NodeB.ReadOutboxAsync($"{phone[..3]}-{phone[3..7]}-{phone[7..]}");

        Assert.Equal(["second 222222", "first 111111"], messages.Select(m => m.GetProperty("text").GetString()));
        Assert.All(messages, m => Assert.Equal(phone, m.GetProperty("to").GetString()));
        Assert.True(messages[0].GetProperty("sentAt").GetDateTime() >= messages[1].GetProperty("sentAt").GetDateTime());
    }

    [Fact]
    public async Task TheOutboxIsCappedPerAddressAndExpires()
    {
        var address = $"cap{Guid.NewGuid():N}@gachon.ac.kr";
        var messenger = fixture.NodeA.Service<Messenger>();
        var capacity = fixture.NodeA.Service<IOptions<OutboxOptions>>().Value.Capacity;
        for (var i = 0; i < capacity + 5; i++)
            await messenger.SendEmailAsync(address, "subject", $"message {i}", CancellationToken.None).Within();

        var messages = await fixture.NodeA.ReadOutboxAsync(address.ToUpperInvariant());

        Assert.Equal(capacity, messages.Length);
        Assert.Equal($"message {capacity + 4}", messages[0].GetProperty("text").GetString());
        var ttl = await fixture.NodeA.Service<IDatabase>().KeyTimeToLiveAsync("dev:outbox:" + address).Within();
        Assert.NotNull(ttl);
    }

    [Fact]
    public async Task TheOutboxNeedsAnAddress()
    {
        using var client = fixture.NodeA.CreateClient();

        var response = await client.GetAsync("/dev/outbox").Within();

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task OutsideDevelopmentABootWithoutRealSendersFails()
    {
        await using var node = new ProductionNode(fixture.Settings);

        var error = Assert.ThrowsAny<Exception>(() => node.Server);

        Assert.Contains("Messaging:Sms:Endpoint", error.ToString());
        Assert.Contains("Messaging:Smtp:Host", error.ToString());
    }

    [Fact]
    public async Task OutsideDevelopmentCodesGoToTheSmsProviderAndTheOutboxDoesNotExist()
    {
        await using var provider = new FakeSmsProvider();
        await provider.StartAsync().Within();
        await using var node = new ProductionNode(ProductionSettings(provider));
        using var client = node.CreateClient();
        var phone = fixture.NextPhone();

        var response = await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (authorization, body) = Assert.Single(provider.Received);
        Assert.Equal("Bearer provider-key", authorization);
        Assert.Equal(phone, body.GetProperty("to").GetString());
        Assert.Matches(@"(?<!\S)[0-9]{6}(?!\S)", body.GetProperty("text").GetString()!);
        await (await client.GetAsync("/dev/outbox?to=" + phone).Within()).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AFailingSmsProviderIsUnavailableAndTheClientMayRetryAtOnce()
    {
        await using var provider = new FakeSmsProvider { Fail = true };
        await provider.StartAsync().Within();
        await using var node = new ProductionNode(ProductionSettings(provider));
        using var client = node.CreateClient();
        var phone = fixture.NextPhone();

        var failed = await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();
        provider.Fail = false;
        var retried = await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();

        await failed.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
    }

    [Fact]
    public async Task OutsideDevelopmentSchoolEmailCodesGoOutThroughSmtp()
    {
        var smtp = new FakeSmtpServer();
        await using var _ = smtp;
        smtp.Start();
        await using var node = new ProductionNode(ProductionSettings(smtp: smtp));
        var member = await fixture.CreateMemberAsync(schoolCode: "GACHON").Within();
        using var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", member.AccessToken);
        var email = $"smtp{Guid.NewGuid():N}"[..12] + "@gachon.ac.kr";

        var response = await client.PostAsJsonAsync("/api/verifications/school-email", new { email }).Within();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var raw = Assert.Single(smtp.Messages);
        Assert.Contains("To: " + email, raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("From: Distance <no-reply@distance.test>", raw);
        Assert.Matches(new Regex("^Subject: ", RegexOptions.Multiline), raw);
    }
}

[CollectionDefinition(nameof(MessagingCollection))]
public sealed class MessagingCollection : ICollectionFixture<DistanceFixture>;
