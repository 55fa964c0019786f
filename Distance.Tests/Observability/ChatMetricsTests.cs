using System.Globalization;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Observability;

/// <summary>
/// The chat panels move with real traffic: messages sent through a node running as its own
/// process (so its /metrics is its alone) show as received, delivered and persisted; a commit held
/// up in MariaDB shows as persistence lag while it waits; the active-rooms gauge counts real rooms.
/// </summary>
[Collection(nameof(ObservabilityCollection))]
public sealed class ChatMetricsTests(DistanceFixture fixture)
{
    [Fact]
    public async Task RealMessagesMoveTheChatCountersAndAStuckCommitShowsAsPersistenceLag()
    {
        await using var node = await NodeProcess.StartAsync(fixture.Settings, timeout: TimeSpan.FromSeconds(150)).Within(TimeSpan.FromSeconds(160));
        var (a, b, roomId) = await new RoomApi(fixture).PairAsync();
        await using var sender = await ChatTestClient.ConnectAsync(node, a);
        await using var receiver = await ChatTestClient.ConnectAsync(node, b);
        using var http = node.CreateClient();
        var before = await ScrapeAsync(http);

        for (var i = 0; i < 5; i++)
        {
            await sender.SendAsync(roomId, $"metrics {i}");
            await receiver.NextMessageAsync(roomId);
        }
        var after = await ScrapeAsync(http);

        Assert.Equal(5, Value(after, "distance_chat_messages_received_total") - Value(before, "distance_chat_messages_received_total"));
        Assert.Equal(5, Value(after, "distance_chat_messages_persisted_total") - Value(before, "distance_chat_messages_persisted_total"));
        Assert.True(Value(after, "distance_chat_messages_delivered_total") - Value(before, "distance_chat_messages_delivered_total") >= 5);
        Assert.Equal(0, Value(after, "distance_chat_persistence_lag_seconds"));

        // Hold the messages table: the next commit waits, and the lag must grow while it does.
        await using var lockHolder = new MySqlConnection(TestServices.MariaDbConnection(fixture.Database));
        await lockHolder.OpenAsync();
        await new MySqlCommand("LOCK TABLES messages WRITE", lockHolder).ExecuteNonQueryAsync();
        var stuck = sender.SendAsync(roomId, "held up");
        var lag = 0.0;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2.5);
            while (lag < 0.3 && DateTime.UtcNow < deadline)
                lag = Value(await ScrapeAsync(http), "distance_chat_persistence_lag_seconds");
        }
        finally
        {
            await new MySqlCommand("UNLOCK TABLES", lockHolder).ExecuteNonQueryAsync();
        }
        await stuck;

        Assert.True(lag >= 0.3, $"a commit held for seconds showed a persistence lag of only {lag} s");
        await Eventually.UntilAsync(async () => Value(await ScrapeAsync(http), "distance_chat_persistence_lag_seconds") == 0,
            TimeSpan.FromSeconds(10), "the lag did not return to 0 once the commit went through");
        await Eventually.UntilAsync(async () => Value(await ScrapeAsync(http), "distance_chat_rooms_active") >= 1,
            TimeSpan.FromSeconds(25), "the active-rooms gauge never counted the open room");
    }

    private static async Task<string[]> ScrapeAsync(HttpClient http) =>
        (await http.GetStringAsync("/metrics").Within()).Split('\n');

    /// <summary>The sum of a metric's series (Prometheus text format), 0 when it has none.</summary>
    private static double Value(string[] lines, string name) =>
        lines.Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
