using System.Text.Json;
using Distance.Data.Push;
using Distance.Push.StandIns;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Push;

[Collection(nameof(PushWorkerCollection))]
public sealed class PushWorkerTests(PushWorkerFixture fixture)
{
    private static string NewToken() => "fcm-" + Guid.NewGuid().ToString("N");

    private async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, PushWorkerHost? worker = null)
    {
        try
        {
            await Eventually.UntilAsync(condition, timeout);
        }
        catch (TimeoutException)
        {
            var consumer = worker is null ? "" : $"; this test's worker: {worker.Service<Distance.Push.PushStream>().Consumer}";
            throw new TimeoutException(await fixture.DiagnosticsAsync() + consumer);
        }
    }

    /// <summary>
    /// Every record settled (acknowledged and removed), before the test's worker stops: a worker stopped
    /// between a provider's answer and its acknowledgement leaves the record pending, and the next test's
    /// worker would claim it only after ClaimAfter (60 s).
    /// </summary>
    private Task SettledAsync() => UntilAsync(async () => await fixture.StreamLengthAsync() == 0);

    [Fact]
    public async Task AnFcmRecordIsSentAsAV1MessageWithTheServiceAccountsOAuthToken()
    {
        var token = NewToken();
        await using var worker = await PushWorkerHost.StartAsync(fixture.Settings(), fixture.StandIns);
        await fixture.AddAsync(PushWorkerFixture.Record(PushDevice.Fcm(token), tag: "room-42", count: 3, body: "see you at the gate"));

        await UntilAsync(() => Task.FromResult(fixture.StandIns.Fcm.DeliveriesTo(token).Count == 1), worker: worker);
        var message = fixture.StandIns.Fcm.DeliveriesTo(token)[0].Message;
        Assert.Equal("컴퓨터공학과INTJ#7", message.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal("see you at the gate", message.GetProperty("notification").GetProperty("body").GetString());
        Assert.Equal("3", message.GetProperty("data").GetProperty("count").GetString());
        Assert.Equal("1", message.GetProperty("data").GetProperty("roomId").GetString());
        Assert.Equal("room-42", message.GetProperty("android").GetProperty("collapse_key").GetString());
        Assert.Equal("room-42", message.GetProperty("android").GetProperty("notification").GetProperty("tag").GetString());
        Assert.Equal("room-42", message.GetProperty("apns").GetProperty("headers").GetProperty("apns-collapse-id").GetString());
        Assert.Empty(fixture.StandIns.Rejections);
        Assert.True(fixture.StandIns.Fcm.TokensIssued >= 1);
        await SettledAsync();
    }

    [Fact]
    public async Task AWebPushRecordIsEncryptedForTheSubscriptionAndSignedWithVapid()
    {
        var subscription = fixture.StandIns.WebPush.Subscribe(fixture.Vapid.PublicKey);
        await using var worker = await PushWorkerHost.StartAsync(fixture.Settings(), fixture.StandIns);
        await fixture.AddAsync(PushWorkerFixture.Record(PushDevice.WebPush(subscription.Endpoint, subscription.P256dh, subscription.Auth), tag: "room-9", count: 2, body: "two new"));

        await UntilAsync(() => Task.FromResult(fixture.StandIns.WebPush.DeliveriesTo(subscription.Id).Count == 1));
        var delivery = fixture.StandIns.WebPush.DeliveriesTo(subscription.Id)[0];
        Assert.Equal("room-9", delivery.Topic);
        Assert.Equal(86400, delivery.Ttl);
        using var payload = JsonDocument.Parse(delivery.Payload);
        Assert.Equal("two new", payload.RootElement.GetProperty("body").GetString());
        Assert.Equal("room-9", payload.RootElement.GetProperty("tag").GetString());
        Assert.Equal(2, payload.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(1, payload.RootElement.GetProperty("roomId").GetInt64());
        Assert.Empty(fixture.StandIns.Rejections);
        await SettledAsync();
    }

    [Fact]
    public async Task DevicesTheProviderReportsGoneLoseTheirRegistration()
    {
        var token = NewToken();
        var fcm = await fixture.RegisteredAsync(PushDevice.Fcm(token));
        fixture.StandIns.Fcm.Answers.Enqueue(token, FcmStandIn.Unregistered());
        var subscription = fixture.StandIns.WebPush.Subscribe(fixture.Vapid.PublicKey);
        var browser = PushDevice.WebPush(subscription.Endpoint, subscription.P256dh, subscription.Auth);
        var web = await fixture.RegisteredAsync(browser);
        fixture.StandIns.WebPush.Answers.Enqueue(subscription.Id, new StandInAnswer(410, "subscription expired", ContentType: "text/plain"));
        var keeper = fixture.StandIns.WebPush.Subscribe(fixture.Vapid.PublicKey);
        var kept = await fixture.RegisteredAsync(PushDevice.WebPush(keeper.Endpoint, keeper.P256dh, keeper.Auth));

        await using var worker = await PushWorkerHost.StartAsync(fixture.Settings(), fixture.StandIns);
        await fixture.AddAsync(
            PushWorkerFixture.Record(PushDevice.Fcm(token), fcm.MemberId, fcm.LoginId),
            PushWorkerFixture.Record(browser, web.MemberId, web.LoginId),
            PushWorkerFixture.Record(PushDevice.WebPush(keeper.Endpoint, keeper.P256dh, keeper.Auth), kept.MemberId, kept.LoginId));

        await UntilAsync(async () => await fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM push_registrations WHERE login_id IN @ids", new { ids = new[] { fcm.LoginId, web.LoginId } }) == 0);
        await UntilAsync(() => Task.FromResult(fixture.StandIns.WebPush.DeliveriesTo(keeper.Id).Count == 1));
        Assert.Equal(1, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM push_registrations WHERE login_id = @LoginId", new { kept.LoginId }));
        Assert.Equal(1, fixture.StandIns.Fcm.Answers.AttemptsOf(token)); // a gone device is not retried
        Assert.DoesNotContain(await fixture.DeadLettersAsync(), d => d.GetValueOrDefault("pushToken") == token);
        await SettledAsync();
    }

    [Fact]
    public async Task WhatFailsForGoodIsDeadLetteredWithItsReasonAndTheProvidersAnswer()
    {
        var invalid = NewToken();
        var strange = NewToken();
        var down = NewToken();
        fixture.StandIns.Fcm.Answers.Enqueue(invalid, FcmStandIn.InvalidArgument());
        fixture.StandIns.Fcm.Answers.Enqueue(strange, new StandInAnswer(200, "<html>captive portal</html>", ContentType: "text/html"));
        fixture.StandIns.Fcm.Answers.Always(down, FcmStandIn.Unavailable());
        await using var worker = await PushWorkerHost.StartAsync(fixture.Settings(new Dictionary<string, string?> { ["Push:Worker:MaxRetries"] = "2" }), fixture.StandIns);

        var malformedId = await fixture.Redis.StreamAddAsync(fixture.KeyPrefix + PushRecord.StreamKey, "memberId", "not-a-number");
        await fixture.AddAsync(
            PushWorkerFixture.Record(PushDevice.Fcm(invalid)),
            PushWorkerFixture.Record(PushDevice.Fcm(strange)),
            PushWorkerFixture.Record(PushDevice.Fcm(down)));

        await UntilAsync(async () => (await fixture.DeadLettersAsync()).Count(d =>
            d.GetValueOrDefault("pushToken") is { } t && (t == invalid || t == strange || t == down) || d["streamId"] == malformedId.ToString()) == 4);
        var dead = await fixture.DeadLettersAsync();
        var byToken = dead.Where(d => d.ContainsKey("pushToken")).ToDictionary(d => d["pushToken"]);
        Assert.Equal(("invalid_argument", "400"), (byToken[invalid]["reason"], byToken[invalid]["status"]));
        Assert.Contains("not a valid FCM registration token", byToken[invalid]["answer"]);
        Assert.Equal(("unexpected_answer", "<html>captive portal</html>"), (byToken[strange]["reason"], byToken[strange]["answer"]));
        Assert.Equal("gave_up_unavailable", byToken[down]["reason"]);
        Assert.Equal(3, fixture.StandIns.Fcm.Answers.AttemptsOf(down)); // the first try and two retries, never more
        Assert.Equal("malformed", Assert.Single(dead, d => d["streamId"] == malformedId.ToString())["reason"]);
        Assert.Equal(1, fixture.StandIns.Fcm.Answers.AttemptsOf(invalid));
        await SettledAsync();
    }

    [Fact]
    public async Task ATooManyRequestsAnswerIsRetriedAfterItsRetryAfter()
    {
        var token = NewToken();
        fixture.StandIns.Fcm.Answers.Enqueue(token, FcmStandIn.QuotaExceeded(retryAfterSeconds: 1));
        await using var worker = await PushWorkerHost.StartAsync(fixture.Settings(), fixture.StandIns);
        var started = DateTime.UtcNow;
        await fixture.AddAsync(PushWorkerFixture.Record(PushDevice.Fcm(token)));

        await UntilAsync(() => Task.FromResult(fixture.StandIns.Fcm.DeliveriesTo(token).Count == 1));
        Assert.Equal(2, fixture.StandIns.Fcm.Answers.AttemptsOf(token));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "the retry waited for Retry-After");
        await SettledAsync();
    }

    [Fact]
    public async Task RecordsForOneDeviceAndTagWaitingTogetherBecomeOneNotification()
    {
        var token = NewToken();
        var other = NewToken();
        await fixture.AddAsync(Enumerable.Range(1, 5).Select(i => PushWorkerFixture.Record(PushDevice.Fcm(token), tag: "room-5", count: i, body: "message " + i))
            .Append(PushWorkerFixture.Record(PushDevice.Fcm(token), tag: "room-6", body: "elsewhere"))
            .Append(PushWorkerFixture.Record(PushDevice.Fcm(other), tag: "room-5"))
            .ToArray());
        await using var worker = await PushWorkerHost.StartAsync(fixture.Settings(), fixture.StandIns);

        await UntilAsync(() => Task.FromResult(fixture.StandIns.Fcm.DeliveriesTo(token).Count == 2 && fixture.StandIns.Fcm.DeliveriesTo(other).Count == 1));
        await Task.Delay(300);
        var room5 = Assert.Single(fixture.StandIns.Fcm.DeliveriesTo(token), d => d.Message.GetProperty("android").GetProperty("collapse_key").GetString() == "room-5");
        Assert.Equal("message 5", room5.Message.GetProperty("notification").GetProperty("body").GetString());
        Assert.Equal("5", room5.Message.GetProperty("data").GetProperty("count").GetString());
        await SettledAsync();
    }

    [Fact]
    public async Task TwoWorkersShareTheStreamAndDeliverEachRecordOnce()
    {
        var tokens = Enumerable.Range(0, 120).Select(_ => NewToken()).ToList();
        var settings = fixture.Settings(new Dictionary<string, string?> { ["Push:Worker:BatchSize"] = "10" });
        await using var first = await PushWorkerHost.StartAsync(settings, fixture.StandIns);
        await using var second = await PushWorkerHost.StartAsync(settings, fixture.StandIns);
        await fixture.AddAsync(tokens.Select(t => PushWorkerFixture.Record(PushDevice.Fcm(t))).ToArray());

        await UntilAsync(() => Task.FromResult(tokens.All(t => fixture.StandIns.Fcm.DeliveriesTo(t).Count >= 1)));
        await Task.Delay(500);
        Assert.All(tokens, t => Assert.Single(fixture.StandIns.Fcm.DeliveriesTo(t)));
        await SettledAsync();
    }
}
