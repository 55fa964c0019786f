using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Tests.Observability;

/// <summary>
/// Ready means ready for a surge (issue 20): /health/ready stays 503 until the warm-up has run the
/// hot paths, the warm-up can neither hang nor fail the boot, and the real warm-up (the chat send
/// path and the MariaDB pool) leaves no row and no lasting Redis key behind.
/// </summary>
[Collection(nameof(WarmUpCollection))]
public sealed class WarmUpTests(DistanceFixture fixture)
{
    private static readonly Dictionary<string, string?> Warm = new()
    {
        ["WarmUp:Enabled"] = "true",
        ["WarmUp:MinRounds"] = "20",
        // Other collections' nodes compile in this process too, so the JIT may never go quiet here.
        ["WarmUp:Timeout"] = "00:00:05",
        ["Logging:LogLevel:Distance.Realtime.Observability.WarmUp"] = "Information",
    };

    [Fact]
    public async Task ReadinessIs503UntilTheWarmUpHasRunThen200()
    {
        var gate = new GateStep();
        await using var node = fixture.StartNode(Warm, services => services.AddSingleton<IWarmUpStep>(gate));
        using var client = node.CreateClient();
        await gate.Entered.Task.Within();

        var warming = await client.GetAsync("/health/ready").Within();
        var report = await warming.Content.ReadFromJsonAsync<JsonElement>().Within();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, warming.StatusCode);
        Assert.Equal("Degraded", report.GetProperty("checks").GetProperty("warm-up").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("mariadb").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live").Within()).StatusCode);

        gate.Open.SetResult();
        await Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        Assert.True(gate.Rounds >= 20, $"ready after {gate.Rounds} rounds");
        Assert.True(gate.CleanedUp);
    }

    [Fact]
    public async Task AFailingAndAHangingStepNeitherFailNorHoldTheBoot()
    {
        var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>(Warm) { ["WarmUp:Timeout"] = "00:00:01" };
        await using var node = fixture.StartNode(settings, services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton<IWarmUpStep, FailingStep>();
            services.AddSingleton<IWarmUpStep, HangingStep>();
        });
        using var client = node.CreateClient();

        await Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5));

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(nameof(FailingStep)) && e.Exception is InvalidOperationException);
        Assert.Contains(logs.Entries, e => e.Message.Contains("ran out of time"));
    }

    [Fact]
    public async Task TheWarmUpRunsTheChatPathAndLeavesNoRowAndNoLastingKey()
    {
        _ = fixture.NodeA; // migrates the fixture's database; its warm-up is off
        var rowsBefore = await RowCountsAsync();
        var logs = new CapturedLogs();

        await using var node = fixture.StartNode(Warm, services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = node.CreateClient();
        await UntilReadyAsync(client);

        var finished = Assert.Single(logs.Entries, e => e.Category == typeof(WarmUp).FullName && e.Message.StartsWith("Warm-up finished"));
        Assert.DoesNotContain(logs.Entries, e => e.Category == typeof(WarmUp).FullName && e.Level >= LogLevel.Warning);
        Assert.Matches(@"after (\d{3,}|[2-9]\d) rounds", finished.Message);
        Assert.Equal(rowsBefore, await RowCountsAsync());
        // The room cache's "no such room" entries are removed; the rate-limit bucket of the
        // warm-up's member id expires like every bucket.
        await AssertKeysAsync(gone: k => k.Contains(long.MaxValue.ToString()), expiring: k => k.Contains("warm-up"));
    }

    [Fact]
    public async Task TheMariaDbPoolStepLeavesItsConnectionsOpenInThePool()
    {
        _ = fixture.NodeA; // migrates the fixture's database
        var pool = "warm-up-pool-" + Guid.NewGuid().ToString("N");
        await using var dataSource = new MySqlDataSourceBuilder(fixture.Settings["Database:ConnectionString"]).UseName(pool).Build();
        var created = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MySqlConnector" && instrument.Name == "db.client.connections.create_time")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag is { Key: "pool.name" } && Equals(tag.Value, pool))
                    Interlocked.Increment(ref created);
        });
        listener.Start();
        var step = new MariaDbPoolWarmUp(dataSource);

        await step.RoundAsync(CancellationToken.None).Within();
        await step.RoundAsync(CancellationToken.None).Within();
        Assert.Equal(MariaDbPoolWarmUp.Connections, Volatile.Read(ref created));

        // As many at once as a surge's first second takes: every one comes from the pool, none is created.
        var held = Enumerable.Range(0, MariaDbPoolWarmUp.Connections).Select(_ => dataSource.CreateConnection()).ToList();
        try
        {
            await Task.WhenAll(held.Select(c => c.OpenAsync())).Within();
        }
        finally
        {
            foreach (var connection in held)
                await connection.DisposeAsync();
        }
        Assert.Equal(MariaDbPoolWarmUp.Connections, Volatile.Read(ref created));
    }

    [Fact]
    public async Task TheWarmUpRunsTheHubThroughBothProtocolsUnmeasuredAndLeavesNoPresenceOrQuota()
    {
        _ = fixture.NodeA;
        var calls = new WarmUpCalls();
        // Listening before the node exists: the warm-up runs while it starts. Kept per meter, since
        // other collections' nodes measure in this process too.
        var measured = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Metrics.Meter>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "distance.hub.invocation.duration")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => measured.Enqueue(instrument.Meter));
        listener.Start();

        await using var node = fixture.StartNode(Warm, services => services.Configure<HubOptions>(hub => hub.AddFilter(calls)));
        using var client = node.CreateClient();
        await UntilReadyAsync(client);

        // Twenty rounds or more, each a connection per protocol (JSON and MessagePack), each one call.
        Assert.True(calls.Connected >= 40, $"{calls.Connected} warm-up connections");
        Assert.True(calls.Sent >= 40, $"{calls.Sent} warm-up SendMessage calls");
        Assert.Equal(calls.Connected, calls.Disconnected);
        Assert.Equal(0, calls.Others);
        var meter = node.Service<DistanceMetrics>().HubInvocationDuration.Meter;
        Assert.DoesNotContain(measured, m => ReferenceEquals(m, meter));
        // Each connection was a member nobody is (a negative id): its presence and quota entries went
        // with its hang-up; its rate-limit bucket expires by itself.
        await AssertKeysAsync(gone: k => k.Contains("presence:-") || k.Contains("connections:-"), expiring: k => k.Contains(":-"));
    }

    [Fact]
    public async Task TheWarmUpReachesTheHubOverALoopbackWebSocketUnmeasured()
    {
        _ = fixture.NodeA;
        var calls = new WarmUpCalls();
        // Every node of the test process records into a meter of this name: kept with the meter's
        // scope (its host's meter factory) and route, and sorted out once this node exists.
        var requests = new System.Collections.Concurrent.ConcurrentQueue<(object? Scope, string? Route)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "http.server.request.duration")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            string? route = null;
            foreach (var tag in tags)
                if (tag.Key == "http.route")
                    route = tag.Value as string;
            requests.Enqueue((instrument.Meter.Scope, route));
        });
        listener.Start();

        await using var node = fixture.StartNode(Warm, services => services.Configure<HubOptions>(hub => hub.AddFilter(calls)), kestrel: true);
        using var client = node.CreateClient();
        await UntilReadyAsync(client);

        // Twenty rounds or more, each a negotiated WebSocket through Kestrel, as a member's app connects.
        Assert.True(calls.OverSockets >= 20, $"{calls.OverSockets} warm-up connections over a WebSocket");
        Assert.Equal(calls.Connected, calls.Disconnected);
        Assert.Equal(0, calls.Others);
        var ours = requests.Where(r => ReferenceEquals(r.Scope, node.Service<System.Diagnostics.Metrics.IMeterFactory>())).ToList();
        Assert.Contains(ours, r => r.Route == "/health/ready"); // the test's own probes are measured
        Assert.DoesNotContain(ours, r => r.Route?.StartsWith(ChatHubNames.Path, StringComparison.Ordinal) == true);
        await AssertKeysAsync(gone: k => k.Contains("presence:-") || k.Contains("connections:-"), expiring: k => k.Contains(":-"));
    }

    [Fact]
    public async Task TheWarmUpAuthenticatesTokensAsHubsAndTheApiGetThem()
    {
        _ = fixture.NodeA;
        var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>(Warm)
        {
            ["Logging:LogLevel:Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler"] = "Debug",
        };

        await using var node = fixture.StartNode(settings, services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = node.CreateClient();
        await UntilReadyAsync(client);

        // Twenty rounds or more, two tokens each (query string and header); nobody else sent one.
        var validated = logs.Entries.Count(e => e.Category.EndsWith("JwtBearerHandler") && e.Message.Contains("Successfully validated"));
        Assert.True(validated >= 40, $"{validated} tokens validated before ready");
        Assert.DoesNotContain(logs.Entries, e => e.Category.EndsWith("JwtBearerHandler") && e.Level >= LogLevel.Information);
    }

    private static Task UntilReadyAsync(HttpClient client) =>
        Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15));

    /// <summary>No key of the fixture's prefix is <paramref name="gone"/>; every key that is <paramref name="expiring"/> has a TTL.</summary>
    private async Task AssertKeysAsync(Func<string, bool> gone, Func<string, bool> expiring)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConnection);
        var keys = await TestServices.KeysAsync(redis.GetServer(redis.GetEndPoints()[0]), fixture.KeyPrefix + "*");
        Assert.DoesNotContain(keys, k => gone(k.ToString()));
        foreach (var key in keys.Where(k => expiring(k.ToString())))
            Assert.NotNull(await redis.GetDatabase().KeyTimeToLiveAsync(key));
    }

    /// <summary>Every table of the fixture's database and its exact row count.</summary>
    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new MySqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = new MySqlCommand($"SELECT COUNT(*) FROM `{table}`", connection);
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync());
        }
        Assert.Contains("messages", counts.Keys);
        return counts;
    }

    /// <summary>Counts what the warm-up's in-process connections do through the hub; any other connection's calls too.</summary>
    private sealed class WarmUpCalls : IHubFilter
    {
        private int connected, disconnected, sent, others, overSockets;

        public int Connected => Volatile.Read(ref connected);
        public int Disconnected => Volatile.Read(ref disconnected);
        public int Sent => Volatile.Read(ref sent);
        public int Others => Volatile.Read(ref others);
        public int OverSockets => Volatile.Read(ref overSockets);

        public ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
        {
            if (!WarmUpConnection.Is(context.Context))
                Interlocked.Increment(ref others);
            else if (context.HubMethodName == ChatHubNames.SendMessage)
                Interlocked.Increment(ref sent);
            return next(context);
        }

        public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
        {
            Interlocked.Increment(ref WarmUpConnection.Is(context.Context) ? ref connected : ref others);
            if (WarmUpConnection.Is(context.Context) && context.Context.Features.Get<IHttpTransportFeature>()?.TransportType == HttpTransportType.WebSockets)
                Interlocked.Increment(ref overSockets);
            return next(context);
        }

        public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
        {
            if (WarmUpConnection.Is(context.Context))
                Interlocked.Increment(ref disconnected);
            return next(context, exception);
        }
    }

    /// <summary>Holds the first round until the test opens it; counts rounds.</summary>
    private sealed class GateStep : IWarmUpStep
    {
        private int rounds;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Rounds => Volatile.Read(ref rounds);
        public bool CleanedUp { get; private set; }

        public async Task RoundAsync(CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Open.Task.WaitAsync(cancellationToken);
            Interlocked.Increment(ref rounds);
        }

        public Task CleanUpAsync(CancellationToken cancellationToken)
        {
            CleanedUp = true;
            return Task.CompletedTask;
        }
    }

    private sealed class FailingStep : IWarmUpStep
    {
        public Task RoundAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("broken on purpose");

        public Task CleanUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Ignores its token: only the warm-up's timeout gets the node past it.</summary>
    private sealed class HangingStep : IWarmUpStep
    {
        public Task RoundAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, CancellationToken.None);

        public Task CleanUpAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, CancellationToken.None);
    }
}

[CollectionDefinition(nameof(WarmUpCollection))]
public sealed class WarmUpCollection : ICollectionFixture<DistanceFixture>;
