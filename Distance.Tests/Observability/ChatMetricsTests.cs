using System.Globalization;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Observability;

/// <summary>
/// The chat panels mean something (issue #18, "metrics that mean something"): real messages sent
/// on one node to a member on another move the sending node's received, persisted and delivered
/// counters and its persistence histogram on its own /metrics, and the active-rooms gauge is the
/// database's count. Two nodes as their own processes (in-process nodes would share meters).
/// </summary>
[Collection(nameof(ChatMetricsCollection))]
public sealed class ChatMetricsTests(DistanceFixture fixture)
{
    private const int Messages = 5;

    private static double Sum(string metrics, string series) => metrics.Split('\n')
        .Where(l => l.StartsWith(series + " ", StringComparison.Ordinal) || l.StartsWith(series + "{", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task<Func<string, double>> ScrapeAsync(NodeProcess node)
    {
        using var http = node.CreateClient();
        var text = await http.GetStringAsync("/metrics").Within();
        return series => Sum(text, series);
    }

    [Fact]
    public async Task MessagesSentAcrossTwoNodesMoveTheSendersCountersAndPersistenceHistogramOnMetrics()
    {
        var api = new RoomApi(fixture);
        var (sender, receiver, roomId) = await api.PairAsync();
        await using var nodeA = await NodeProcess.StartAsync(fixture.Settings).Within(TimeSpan.FromSeconds(90));
        await using var nodeB = await NodeProcess.StartAsync(fixture.Settings).Within(TimeSpan.FromSeconds(90));
        await using var onB = await ChatTestClient.ConnectAsync(nodeB, receiver);
        await using var onA = await ChatTestClient.ConnectAsync(nodeA, sender);
        var beforeA = await ScrapeAsync(nodeA);
        var beforeB = await ScrapeAsync(nodeB);

        for (var i = 0; i < Messages; i++)
            await onA.SendAsync(roomId, $"counted {i}");
        for (var i = 0; i < Messages; i++)
            await onB.NextMessageAsync(roomId);

        double Moved(Func<string, double> after, Func<string, double> before, string series) => after(series) - before(series);
        // The exporter answers a scrape from its last collection for a moment (its response cache):
        // read until the sends show, then require exactly them.
        var afterA = beforeA;
        await Eventually.UntilAsync(async () =>
        {
            afterA = await ScrapeAsync(nodeA);
            return Moved(afterA, beforeA, "distance_chat_persistence_duration_seconds_count") >= Messages;
        }, TimeSpan.FromSeconds(5), "the sender's /metrics never showed the messages");
        var afterB = await ScrapeAsync(nodeB);
        Assert.Equal(Messages, Moved(afterA, beforeA, "distance_chat_messages_received_total"));
        Assert.Equal(Messages, Moved(afterA, beforeA, "distance_chat_messages_persisted_total"));
        Assert.True(Moved(afterA, beforeA, "distance_chat_messages_delivered_total") >= Messages, "delivered did not move with the messages");
        Assert.Equal(Messages, Moved(afterA, beforeA, "distance_chat_persistence_duration_seconds_count"));
        Assert.True(Moved(afterA, beforeA, "distance_chat_persistence_duration_seconds_sum") > 0);
        // The receiving node accepted and stored nothing itself: each node counts its own work.
        Assert.Equal(0, Moved(afterB, beforeB, "distance_chat_messages_received_total"));
        Assert.Equal(0, Moved(afterB, beforeB, "distance_chat_messages_persisted_total"));
    }

    [Fact]
    public async Task TheActiveRoomsGaugeIsTheDatabasesCountOnEveryNodeAndFollowsIt()
    {
        var api = new RoomApi(fixture);
        await api.PairAsync();
        await using var nodeA = await NodeProcess.StartAsync(fixture.Settings).Within(TimeSpan.FromSeconds(90));
        await using var nodeB = await NodeProcess.StartAsync(fixture.Settings).Within(TimeSpan.FromSeconds(90));
        Task<long> ActiveAsync() => api.ScalarAsync("SELECT COUNT(*) FROM rooms WHERE active_pair IS NOT NULL", new { });

        // Counted at start-up, then every 15 s.
        var atStart = await ActiveAsync();
        Assert.True(atStart > 0);
        foreach (var node in new[] { nodeA, nodeB })
            await Eventually.UntilAsync(async () => (await ScrapeAsync(node))("distance_chat_rooms_active") == atStart,
                TimeSpan.FromSeconds(5), "the gauge is not the database's count at start");

        await api.PairAsync(); // a room opened elsewhere (through the in-process node) still counts
        var later = await ActiveAsync();
        Assert.Equal(atStart + 1, later);
        foreach (var node in new[] { nodeA, nodeB })
            await Eventually.UntilAsync(async () => (await ScrapeAsync(node))("distance_chat_rooms_active") == later,
                TimeSpan.FromSeconds(20), "the gauge did not follow the database");
    }
}

[CollectionDefinition(nameof(ChatMetricsCollection))]
public sealed class ChatMetricsCollection : ICollectionFixture<DistanceFixture>;
