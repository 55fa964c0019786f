using System.Net;
using System.Text.Json;
using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;
using Distance.Tests.RateLimiting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes a real node over TCP; every query of the Grafana dashboard must
/// return data, and every alert rule must evaluate without error against the real series.
/// </summary>
[Collection(nameof(ObservabilityCollection))]
public sealed class DashboardTests(DistanceFixture fixture)
{
    [Fact]
    public async Task EveryDashboardQueryReturnsDataFromARealPrometheusScrapingANode()
    {
        await using var node = StartListeningNode();
        var address = new Uri(node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await using var prometheus = await PrometheusServer.StartAsync(
            "distance", [address.Authority], [RepositoryFile("deploy", "prometheus", "alerts.yml")]);

        var member = await fixture.CreateMemberAsync().Within();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(address, ProbeHost.HubPath), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(member.AccessToken);
            })
            .Build();
        await hub.StartAsync().Within();
        await GenerateTrafficAsync(address, hub);
        // The matching feature lives on another branch: this one sample, recorded through the
        // instrument it will use, stands in for its queries so the panel's query is checked too.
        node.Services.GetRequiredService<DistanceMetrics>().MatchingQueryDuration.Record(0.004);

        var queries = DashboardQueries();
        Assert.True(queries.Count >= 20, $"the dashboard has only {queries.Count} queries");
        var empty = queries.ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            await GenerateTrafficAsync(address, hub);
            await Task.Delay(1000);
            var stillEmpty = new List<(string Panel, string Expression)>();
            foreach (var query in empty)
                if ((await prometheus.QueryAsync(query.Expression)).GetArrayLength() == 0)
                    stillEmpty.Add(query);
            empty = stillEmpty;
        }
        Assert.True(empty.Count == 0, "panels without data: " + string.Join("; ", empty.Select(q => $"{q.Panel}: {q.Expression}")));

        var rules = (await prometheus.RulesAsync()).EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.True(rules.Count >= 9, $"only {rules.Count} alert rules loaded");
        var broken = rules.Where(r => r.GetProperty("health").GetString() == "err")
            .Select(r => r.GetProperty("name").GetString() + ": " + r.GetProperty("lastError").GetString()).ToList();
        Assert.True(broken.Count == 0, "alert rules failing on real series: " + string.Join("; ", broken));
    }

    /// <summary>Ordinary requests, a refused one, a scrape-exempt probe and hub calls over a real socket.</summary>
    private static async Task GenerateTrafficAsync(Uri address, HubConnection hub)
    {
        using var http = new HttpClient { BaseAddress = address };
        await http.GetAsync("/health/ready").Within();
        await http.GetAsync("/api/no-such-route").Within();
        for (var i = 0; i < 2; i++)
            await http.PostAsync(ProbeHost.AuthPolicyPath, null).Within(); // the fixture allows one
        await hub.InvokeAsync<string>("Echo", "ping").Within();
    }

    private DistanceNode StartListeningNode()
    {
        var settings = new Dictionary<string, string?>(fixture.Settings) { [ProbeHost.Enable.Key] = ProbeHost.Enable.Value };
        foreach (var (key, value) in RateLimitSettings.Bucket("RateLimiting:Auth", 1, 1, TimeSpan.FromMinutes(1)))
            settings[key] = value;
        var node = new DistanceNode(settings);
        node.UseKestrel(0);
        node.StartServer();
        return node;
    }

    private static List<(string Panel, string Expression)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFile("deploy", "grafana", "dashboards", "distance.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()
                .Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)))
            .ToList();
    }

    private static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Distance.sln")))
                return Path.Combine([dir.FullName, .. parts]);
        throw new FileNotFoundException("The repository root (Distance.sln) was not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(nameof(ObservabilityCollection))]
public sealed class ObservabilityCollection : ICollectionFixture<DistanceFixture>;
