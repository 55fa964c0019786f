using System.Collections.Concurrent;
using System.Diagnostics;
using Distance.Data.Messages;
using Distance.Realtime.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using MySqlConnector;
using Xunit.Abstractions;

namespace Distance.Tests.Chat;

/// <summary>Durability under failure: a node killed with SIGKILL, and MariaDB going away under a node.</summary>
[Collection(nameof(ChatFaultCollection))]
public sealed class ChatFaultTests(DistanceFixture fixture, ITestOutputHelper output)
{
    private readonly RoomApi api = new(fixture);

    [Fact]
    public async Task KillingANodeWhileItsClientsSendLosesNoAcknowledgedMessageAndStoresNoneTwice()
    {
        var phase = Stopwatch.StartNew();
        var pairs = new List<(TestMember A, TestMember B, long RoomId)>();
        for (var i = 0; i < 6; i++)
            pairs.Add(await api.PairAsync());
        var settings = new Dictionary<string, string?>(fixture.Settings) { ["Logging:LogLevel:Default"] = "Information" };
        output.WriteLine($"pairs {phase.Elapsed}");
        await using var doomed = await NodeProcess.StartAsync(settings);
        output.WriteLine($"node started {phase.Elapsed}");
        var senders = new List<(HubConnection Connection, int Pair)>();
        foreach (var (pair, index) in pairs.Select((p, i) => (p, i)))
            for (var c = 0; c < 2; c++)
            {
                var connection = doomed.CreateHubConnection(pair.A.AccessToken);
                await connection.StartAsync().Within();
                senders.Add((connection, index));
            }
        var acked = new ConcurrentBag<(long RoomId, Guid Id, long Seq)>();
        var inFlight = new ConcurrentDictionary<int, (long RoomId, Guid Id, string Text)>();
        var failures = new ConcurrentBag<string>();

        var loops = senders.Select((sender, s) => Task.Run(async () =>
        {
            var roomId = pairs[sender.Pair].RoomId;
            for (var n = 0; n < 10_000; n++)
            {
                var message = (roomId, Guid.NewGuid(), $"sender {s} message {n}");
                inFlight[s] = message;
                try
                {
                    var ack = await sender.Connection.InvokeAsync<MessageAck>(
                        nameof(ChatHub.SendMessage), new SendMessageRequest(roomId, message.Item2.ToString(), message.Item3)).Within();
                    acked.Add((roomId, message.Item2, ack.Seq));
                    inFlight.TryRemove(s, out _);
                }
                catch (Exception exception)
                {
                    failures.Add(exception.Message);
                    return; // the node is gone; what was in flight stays in inFlight
                }
            }
        })).ToList();

        // Kill mid-stream: after enough acks, or after a while on a busy machine, as long as sends are flowing.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (acked.Count < 200 && DateTime.UtcNow < deadline && loops.Any(l => !l.IsCompleted))
            await Task.Delay(20);
        Assert.True(acked.Count >= 24, $"too few sends went through: {acked.Count}; {string.Join("; ", failures.Distinct())}{Environment.NewLine}{doomed.RecentOutput()}");
        var ackedBeforeKill = acked.Count;
        output.WriteLine($"{ackedBeforeKill} acked {phase.Elapsed}");
        doomed.Kill();
        await Task.WhenAll(loops).Within(TimeSpan.FromSeconds(30));
        foreach (var (sender, _) in senders)
            await sender.DisposeAsync();

        output.WriteLine($"killed, senders stopped {phase.Elapsed}");
        // Clients reconnect to the surviving node and resend what was in flight, with the same ids.
        foreach (var (s, message) in inFlight)
        {
            await using var client = await ChatTestClient.ConnectAsync(fixture.NodeA, pairs[senders[s].Pair].A);
            var ack = await client.SendAsync(message.RoomId, message.Text, message.Id);
            acked.Add((message.RoomId, message.Id, ack.Seq));
        }

        output.WriteLine($"{inFlight.Count} resent {phase.Elapsed}");
        var messages = fixture.NodeA.Service<MessageRepository>();
        foreach (var (_, _, roomId) in pairs)
        {
            var history = await AllAsync(messages, roomId);
            Assert.Equal(Enumerable.Range(1, history.Count).Select(s => (long)s), history.Select(m => m.Seq)); // no gaps
            Assert.Equal(history.Count, history.Select(m => m.ClientMessageId).Distinct().Count()); // none twice
            var bySeq = history.ToDictionary(m => m.Seq, m => m.ClientMessageId);
            foreach (var ack in acked.Where(a => a.RoomId == roomId))
                Assert.Equal(ack.Id, bySeq[ack.Seq]); // every ack is in history, at its seq
        }
    }

    [Fact]
    public async Task WhileMariaDbIsUnreachableSendsFailFastWithUnavailableAndRecoverByThemselves()
    {
        var (a, _, roomId) = await api.PairAsync();
        var port = new MySqlConnectionStringBuilder(fixture.Settings["Database:ConnectionString"]!).Port;
        await using var proxy = new TcpProxy((int)port);
        var viaProxy = new MySqlConnectionStringBuilder(fixture.Settings["Database:ConnectionString"]!) { Port = (uint)proxy.Port, ConnectionTimeout = 2 };
        await using var node = fixture.StartNode(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = viaProxy.ConnectionString,
            ["Database:MigrateOnStart"] = "false",
            ["Chat:WriteBreakDuration"] = "00:00:01",
        });
        await using var client = await ChatTestClient.ConnectAsync(node, a);
        await client.SendAsync(roomId, "before the outage");

        proxy.Cut();
        var retried = Guid.NewGuid();
        var timer = Stopwatch.StartNew();
        var first = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(roomId, "during the outage", retried));
        var firstTook = timer.Elapsed;
        for (var i = 0; i < 4; i++)
            Assert.Equal("unavailable", (await Assert.ThrowsAsync<HubException>(() => client.SendAsync(roomId, "again", retried))).Message);
        timer.Restart();
        var whileOpen = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(roomId, "again", retried));
        var whileOpenTook = timer.Elapsed;
        proxy.Restore();
        MessageAck? recovered = null;
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                recovered = await client.SendAsync(roomId, "during the outage", retried);
                return true;
            }
            catch (HubException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(15), "sends did not recover");

        Assert.Equal("unavailable", first.Message);
        Assert.True(firstTook < TimeSpan.FromSeconds(3), $"the first failure took {firstTook}");
        Assert.Equal("unavailable", whileOpen.Message);
        Assert.True(whileOpenTook < TimeSpan.FromMilliseconds(500), $"a send while the circuit is open took {whileOpenTook}");
        Assert.Equal(2, recovered!.Seq);
        var history = await client.SyncAsync(roomId, 0);
        Assert.Equal(["before the outage", "during the outage"], history.Select(m => m.Text));
    }

    private static async Task<List<MessageRow>> AllAsync(MessageRepository messages, long roomId)
    {
        var all = new List<MessageRow>();
        while (true)
        {
            var page = await messages.AfterAsync(roomId, all.Count == 0 ? 0 : all[^1].Seq, null, 200, CancellationToken.None).Within();
            all.AddRange(page);
            if (page.Count < 200)
                return all;
        }
    }
}

[CollectionDefinition(nameof(ChatFaultCollection))]
public sealed class ChatFaultCollection : ICollectionFixture<DistanceFixture>;
