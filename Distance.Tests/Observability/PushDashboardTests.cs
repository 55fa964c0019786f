using System.Text.Json;
using Dapper;
using Distance.Push.StandIns;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Observability;

/// <summary>
/// The "Distance push" dashboard against a real Prometheus scraping a node and a push worker, each
/// its own process: outbox rows the node relays (produced), an FCM stand-in that accepts one
/// device, refuses one for good (failed, dead-lettered) and reports one gone (removed). Every
/// query of deploy/grafana/dashboards/push.json must return data.
/// </summary>
[Collection(nameof(ObservabilityCollection))]
public sealed class PushDashboardTests(DistanceFixture fixture)
{
    [Fact]
    public async Task EveryPushDashboardQueryReturnsDataFromARealPrometheusScrapingANodeAndAWorker()
    {
        await using var standIns = await PushStandIns.StartAsync().Within();
        await using var node = await NodeProcess.StartAsync(fixture.Settings).Within(TimeSpan.FromSeconds(90));
        await using var worker = await NodeProcess.StartPushWorkerAsync(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = fixture.Settings["Database:ConnectionString"],
            ["Redis:ConnectionString"] = fixture.Settings["Redis:ConnectionString"],
            ["Redis:KeyPrefix"] = fixture.KeyPrefix,
            ["Push:Fcm:ServiceAccountJson"] = standIns.Fcm.ServiceAccountJson(),
            ["Push:Fcm:Endpoint"] = standIns.BaseAddress.ToString(),
            ["Push:Worker:IdleDelay"] = "00:00:00.050",
            ["Push:Worker:ClaimInterval"] = "00:00:00.500",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Within(TimeSpan.FromSeconds(90));
        await using var prometheus = await PrometheusServer.StartAsync(
            "distance", [node.BaseAddress.Authority, worker.BaseAddress.Authority], [DashboardFiles.Repository("deploy", "prometheus", "alerts.yml")]);

        var run = Guid.NewGuid().ToString("N")[..8];
        var (accepted, refused, gone) = ($"fcm-ok-{run}", $"fcm-bad-{run}", $"fcm-gone-{run}");
        standIns.Fcm.Answers.Always(refused, FcmStandIn.InvalidArgument());
        standIns.Fcm.Answers.Always(gone, FcmStandIn.Unregistered());

        var queries = DashboardFiles.Queries("push.json");
        Assert.True(queries.Count >= 8, $"the push dashboard has only {queries.Count} queries");
        var empty = queries;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            // Fresh members each round: the gone device's registration is deleted after its first push.
            foreach (var token in new[] { accepted, refused, gone })
                await OfflineMemberWithPushAsync(token);
            await Task.Delay(1000);
            empty = await prometheus.WithoutDataAsync(empty);
        }
        Assert.True(empty.Count == 0, "panels without data: " + string.Join("; ", empty.Select(q => $"{q.Panel}: {q.Expression}"))
            + $"; stand-in saw {standIns.Fcm.Requests.Count} sends, refused {string.Join(" | ", standIns.Rejections)}");
        Assert.NotEmpty(standIns.Fcm.DeliveriesTo(accepted));
    }

    /// <summary>A live login (an unexpired refresh token) with an FCM device and a due outbox row for its member: the node's relay turns it into a record.</summary>
    private async Task OfflineMemberWithPushAsync(string token)
    {
        var memberId = Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        var loginId = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO logins (member_id, created_at) VALUES (@memberId, UTC_TIMESTAMP(3)); SELECT LAST_INSERT_ID();", new { memberId });
        await connection.ExecuteAsync("""
            INSERT INTO push_registrations (login_id, member_id, kind, token, device_hash, updated_at)
            VALUES (@loginId, @memberId, 'fcm', @token, UNHEX(SHA2(@token, 256)), UTC_TIMESTAMP(3));
            INSERT INTO refresh_tokens (token_hash, login_id, expires_at)
            VALUES (UNHEX(SHA2(UUID(), 256)), @loginId, UTC_TIMESTAMP(3) + INTERVAL 1 DAY);
            INSERT INTO push_outbox (member_id, kind, subject_id, actor_id, body, events, created_at)
            VALUES (@memberId, 'room', 7, NULL, NULL, 1, UTC_TIMESTAMP(3) - INTERVAL 10 SECOND);
            """, new { loginId, memberId, token });
    }
}

/// <summary>Repository files the observability tests read: the dashboards' queries and the alert rules.</summary>
internal static class DashboardFiles
{
    public static List<(string Panel, string Expression)> Queries(string dashboard)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository("deploy", "grafana", "dashboards", dashboard)));
        return document.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()
                .Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)))
            .ToList();
    }

    public static string Repository(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Distance.sln")))
                return Path.Combine([dir.FullName, .. parts]);
        throw new FileNotFoundException("The repository root (Distance.sln) was not found above " + AppContext.BaseDirectory);
    }
}
