using System.Text.RegularExpressions;
using Distance.Realtime.Identity;
using Distance.Tests.Infrastructure;
using Distance.Tests.RateLimiting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Distance.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes a real node (its own process, over TCP): every query of the Grafana dashboard must
/// return data, every metric docs/observability.md lists must exist, and every alert rule must
/// evaluate without error against the real series.
/// </summary>
[Collection(nameof(ObservabilityCollection))]
public sealed partial class DashboardTests(DistanceFixture fixture)
{
    [Fact]
    public async Task EveryDashboardQueryReturnsDataFromARealPrometheusScrapingANode()
    {
        await using var node = await NodeProcess.StartAsync(NodeSettings()).Within(TimeSpan.FromSeconds(90));
        var address = node.BaseAddress;
        await using var prometheus = await PrometheusServer.StartAsync(
            "distance", [address.Authority], [DashboardFiles.Repository("deploy", "prometheus", "alerts.yml")]);
        var token = AccessToken();
        await using var hub = Connect(address, token);
        await hub.StartAsync().Within();

        var queries = DashboardFiles.Queries("distance.json");
        Assert.True(queries.Count >= 20, $"the dashboard has only {queries.Count} queries");
        var empty = queries;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            await GenerateTrafficAsync(address, hub, token);
            await Task.Delay(1000);
            empty = await prometheus.WithoutDataAsync(empty);
        }
        Assert.True(empty.Count == 0, "panels without data: " + string.Join("; ", empty.Select(q => $"{q.Panel}: {q.Expression}")));

        var missing = new List<string>();
        foreach (var name in DocumentedMetrics())
            if (await prometheus.CountAsync($"count({{__name__=~\"{name}|{name}_bucket\"}})") == 0)
                missing.Add(name);
        Assert.True(missing.Count == 0, "documented in docs/observability.md but not scraped: " + string.Join(", ", missing));

        var rules = (await prometheus.RulesAsync()).EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.True(rules.Count >= 9, $"only {rules.Count} alert rules loaded");
        var broken = rules.Where(r => r.GetProperty("health").GetString() == "err")
            .Select(r => r.GetProperty("name").GetString() + ": " + r.GetProperty("lastError").GetString()).ToList();
        Assert.True(broken.Count == 0, "alert rules failing on real series: " + string.Join("; ", broken));
    }

    /// <summary>Ordinary requests, refused ones, hub calls over a real socket, and a hub connection that ends.</summary>
    private static async Task GenerateTrafficAsync(Uri address, HubConnection hub, string token)
    {
        using var http = new HttpClient { BaseAddress = address };
        await http.GetAsync("/health/ready").Within();
        await http.GetAsync("/api/no-such-route").Within();
        for (var i = 0; i < 2; i++)
            await http.PostAsync(ProbeHost.AuthPolicyPath, null).Within(); // the node allows one a minute
        // The matching feature lives on another branch: the probe records one query duration
        // through the instrument it will use, so the panel's query is checked too.
        await http.PostAsync(ProbeHost.MatchingSamplePath, null).Within();
        // A node under this little traffic may not collect within the test: one induced pause.
        await http.PostAsync(ProbeHost.CollectGarbagePath, null).Within();
        await hub.InvokeAsync<string>("Echo", "ping").Within();
        await using var brief = Connect(address, token);
        await brief.StartAsync().Within();
        await brief.StopAsync().Within();
    }

    /// <summary>
    /// A token the node accepts (the fixture's signing key). The probe hub touches no table, so no
    /// member row is needed, nor an in-process node to create one.
    /// </summary>
    private string AccessToken()
    {
        var jwt = Options.Create(new JwtOptions { SigningKey = fixture.Settings["Jwt:SigningKey"]! });
        return new AccessTokenIssuer(jwt, TimeProvider.System).Issue(Random.Shared.NextInt64(1, long.MaxValue), 1).Token;
    }

    private static HubConnection Connect(Uri address, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(address, ProbeHost.HubPath), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();

    /// <summary>The fixture's database, Redis prefix and signing key, the probe endpoints, and an auth policy of one request a minute.</summary>
    private Dictionary<string, string?> NodeSettings()
    {
        var settings = new Dictionary<string, string?>(fixture.Settings) { [ProbeHost.Enable.Key] = ProbeHost.Enable.Value };
        foreach (var (key, value) in RateLimitSettings.Bucket("RateLimiting:Auth", 1, 1, TimeSpan.FromMinutes(1)))
            settings[key] = value;
        return settings;
    }

    /// <summary>The first column of the table under "## Metrics" in docs/observability.md.</summary>
    private static List<string> DocumentedMetrics()
    {
        var lines = File.ReadAllLines(DashboardFiles.Repository("docs", "observability.md"))
            .SkipWhile(l => l != "## Metrics").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
        var names = lines.Select(l => TableName().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.True(names.Count >= 40, $"docs/observability.md lists only {names.Count} metrics");
        return names;
    }

    [GeneratedRegex(@"^\| `([a-z_]+)` \|")]
    private static partial Regex TableName();
}

[CollectionDefinition(nameof(ObservabilityCollection))]
public sealed class ObservabilityCollection : ICollectionFixture<DistanceFixture>;
