using Distance.Data.Push;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Push;

/// <summary>
/// The worker's own death: a real Distance.Push process killed with SIGKILL in the middle of a
/// batch, and a second process that takes over what it held through XAUTOCLAIM.
/// </summary>
[Collection(nameof(PushWorkerCollection))]
public sealed class PushWorkerKillTests(PushWorkerFixture fixture)
{
    private const int Records = 60;
    private const int Concurrency = 4;

    [Fact]
    public async Task AWorkerKilledMidBatchLosesNoPushAndTheNextOneDuplicatesAtMostWhatWasInFlight()
    {
        var tokens = Enumerable.Range(0, Records).Select(i => $"fcm-kill-{i}-{Guid.NewGuid():N}").ToHashSet();
        // Small batches, few sends at once, each answered after 300 ms: the worker is mid-batch for seconds.
        var settings = fixture.Settings(new Dictionary<string, string?>
        {
            ["Push:Worker:BatchSize"] = "20",
            ["Push:Worker:Concurrency"] = Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Push:Worker:ClaimAfter"] = "00:00:01",
            ["Push:Worker:ClaimInterval"] = "00:00:00.200",
        });
        fixture.StandIns.Fcm.ResponseDelay = TimeSpan.FromMilliseconds(300);
        try
        {
            await using var doomed = await NodeProcess.StartPushWorkerAsync(settings).Within(TimeSpan.FromSeconds(90));
            await fixture.AddAsync(tokens.Select(t => PushWorkerFixture.Record(PushDevice.Fcm(t))).ToArray());

            // Some delivered, more sent: answers are outstanding, and the batch is not done.
            await Eventually.UntilAsync(() => Task.FromResult(Sent(tokens).Count >= 10 && Delivered(tokens).Count >= 4));
            doomed.Kill();
            // Every access token issued so far is the killed worker's (the successor has not started):
            // its sends are those made under them, including any the stand-in reads only after this line.
            var killedWorkers = fixture.StandIns.Fcm.AccessTokens;
            Assert.InRange(Delivered(tokens).Count, 1, Records - 1);

            // What it read and never settled is pending under its name, for another worker to claim.
            var pending = await fixture.Redis.StreamPendingAsync(fixture.KeyPrefix + PushRecord.StreamKey, "push-workers");
            Assert.True(pending.PendingMessageCount > 0, "the killed worker left nothing pending");

            await using var successor = await NodeProcess.StartPushWorkerAsync(settings).Within(TimeSpan.FromSeconds(90));
            try
            {
                await Eventually.UntilAsync(async () => tokens.All(t => fixture.StandIns.Fcm.DeliveriesTo(t).Count >= 1)
                    && await fixture.StreamLengthAsync() == 0, TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{tokens.Count(t => fixture.StandIns.Fcm.DeliveriesTo(t).Count == 0)} never delivered; " +
                    await fixture.DiagnosticsAsync() + Environment.NewLine + successor.RecentOutput());
            }

            var duplicated = tokens.Where(t => fixture.StandIns.Fcm.DeliveriesTo(t).Count > 1).ToList();
            // Only a send the killed worker had started can arrive twice, and no more than it had in flight.
            var sentByKilled = fixture.StandIns.Fcm.Requests.Where(r => killedWorkers.Contains(r.AccessToken)).Select(r => r.Token).ToHashSet();
            Assert.All(duplicated, t => Assert.Contains(t, sentByKilled));
            Assert.True(duplicated.Count <= Concurrency, $"{duplicated.Count} duplicates, more than the {Concurrency} sends in flight");
            Assert.All(tokens, t => Assert.InRange(fixture.StandIns.Fcm.DeliveriesTo(t).Count, 1, 2));
            Assert.Empty(fixture.StandIns.Rejections);
            Assert.DoesNotContain(await fixture.DeadLettersAsync(), d => tokens.Contains(d.GetValueOrDefault("pushToken") ?? ""));

            // The successor took the dead worker's entries with XAUTOCLAIM (not only the unread ones).
            Assert.True(PrometheusSum(await successor.MetricsAsync(), "distance_push_claimed_total") > 0, "the successor claimed nothing");
        }
        finally
        {
            fixture.StandIns.Fcm.ResponseDelay = TimeSpan.Zero;
        }
    }

    private HashSet<string> Sent(HashSet<string> tokens) => fixture.StandIns.Fcm.Requests.Select(r => r.Token).Where(tokens.Contains).ToHashSet();

    private HashSet<string> Delivered(HashSet<string> tokens) => fixture.StandIns.Fcm.Deliveries.Select(d => d.Token).Where(tokens.Contains).ToHashSet();

    /// <summary>The sum of a metric's samples in Prometheus text (all label sets; a sample may end with a timestamp).</summary>
    private static double PrometheusSum(string text, string name) => text.Split('\n')
        .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is ' ' or '{')
        .Select(l => l.Contains('}', StringComparison.Ordinal) ? l[(l.LastIndexOf('}') + 1)..] : l[name.Length..])
        .Sum(value => double.Parse(value.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
}
