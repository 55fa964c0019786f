using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Client.Development;

namespace Distance.Drills;

/// <summary>
/// Matching load on two nodes reading through a MariaDB replica, with a fault on the replica:
/// members near each other ask for matches; a witness renames its department once a second and
/// readers fetch its public profile (a lag-tolerant read) to catch any answer staler than the
/// bound; the nodes' <c>distance_db_lag_tolerant_reads_total</c> says which server answered.
/// </summary>
public static class ReadDrill
{
    private const double MaxLagMs = 1000; // Database:ReplicaMaxLag of the drill's nodes

    private sealed record Answer(double At, double Ms, int Status, string Kind);

    private sealed record ReadCounts(double At, double Replica, double Primary);

    public static async Task<int> RunAsync(DrillOptions options, CancellationToken hard)
    {
        var clock = Stopwatch.StartNew();
        var seeder = new Seeder(options.Database, DevelopmentTokens.FromBase64(options.JwtKey), options.Nodes[0]);
        var members = await seeder.MembersAsync(options.Pairs * 2, hard);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < members.Count; i++)
            (await SendAsync(http, HttpMethod.Put, options.Nodes[i % 2], "/api/me/location", members[i],
                new { latitude = 37.4505 + i * 0.0001, longitude = 127.1270 }, hard)).EnsureSuccessStatusCode();
        Console.WriteLine($"  {members.Count} members placed in {Stats.S(clock.Elapsed.TotalMilliseconds)}");

        var answers = new ConcurrentQueue<Answer>();
        var counts = new ConcurrentQueue<ReadCounts>();
        var renamedAt = new ConcurrentDictionary<int, double>(); // version → when its PATCH was acknowledged
        var stale = new ConcurrentQueue<string>();
        var witness = members[0];
        var loadStart = clock.Elapsed.TotalMilliseconds;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(hard);
        stop.CancelAfter(options.Duration);

        async Task Every(double perSecond, Func<long, Task> step)
        {
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                await step(n);
                var next = loadStart + (n + 1) * 1000 / perSecond - clock.Elapsed.TotalMilliseconds;
                if (next > 0)
                    await Task.Delay(TimeSpan.FromMilliseconds(next), CancellationToken.None);
            }
        }

        async Task<HttpResponseMessage?> Timed(string kind, Func<Task<HttpResponseMessage>> call)
        {
            var at = clock.Elapsed.TotalMilliseconds;
            try
            {
                var response = await call();
                answers.Enqueue(new(at, clock.Elapsed.TotalMilliseconds - at, (int)response.StatusCode, kind));
                return response;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                answers.Enqueue(new(at, clock.Elapsed.TotalMilliseconds - at, 0, kind));
                return null;
            }
        }

        var matching = Enumerable.Range(0, 4).Select(lane => Every(options.Rate / 4, async n =>
        {
            var member = members[1 + (int)((n * 4 + lane) % (members.Count - 1))];
            using var _ = await Timed("matches", () => SendAsync(http, HttpMethod.Get, options.Nodes[(int)(n % 2)],
                "/api/matches?radiusMeters=2000&count=4", member, null, hard));
        })).ToList();
        var renames = Every(1, async n =>
        {
            var version = (int)n + 1;
            using var response = await Timed("rename", () => SendAsync(http, HttpMethod.Patch, options.Nodes[version % 2], "/api/me", witness,
                new { department = "v" + version.ToString(CultureInfo.InvariantCulture) }, hard));
            if (response?.IsSuccessStatusCode == true)
                renamedAt[version] = clock.Elapsed.TotalMilliseconds;
        });
        var readers = Every(5, async n =>
        {
            var at = clock.Elapsed.TotalMilliseconds;
            var reader = members[1 + (int)(n % (members.Count - 1))];
            using var response = await Timed("profile", () => SendAsync(http, HttpMethod.Get, options.Nodes[(int)(n % 2)],
                $"/api/members/{witness.Id}", reader, null, hard));
            if (response?.IsSuccessStatusCode != true)
                return;
            var department = (await response.Content.ReadFromJsonAsync<JsonElement>(hard)).GetProperty("department").GetString() ?? "";
            var seen = department.StartsWith('v') ? int.Parse(department[1..], CultureInfo.InvariantCulture) : 0;
            // Stale: a rename acknowledged more than the bound before this read began is missing.
            var missed = renamedAt.Where(r => r.Key > seen && r.Value <= at - MaxLagMs).Select(r => r.Key).DefaultIfEmpty(0).Max();
            if (missed > 0)
                stale.Enqueue($"at {Stats.S(at - loadStart)} saw v{seen}, v{missed} was acknowledged {Stats.Ms(at - renamedAt[missed])} earlier");
        });
        var sampling = Every(4, async _ => counts.Enqueue(await CountsAsync(http, options.Nodes, clock, hard)));
        var fault = FaultScript.RunAsync(options, clock, loadStart, hard);
        await Task.WhenAll([.. matching, renames, readers, sampling]);
        var times = await fault;
        counts.Enqueue(await CountsAsync(http, options.Nodes, clock, hard));
        return Judge(options.Drill, answers.ToList(), counts.ToList(), stale.ToList(), times, loadStart);
    }

    private static int Judge(string drill, List<Answer> answers, List<ReadCounts> counts, List<string> stale, FaultTimes fault, double loadStart)
    {
        var verdict = new Verdict(drill);
        var errors = answers.Where(a => a.Status is < 200 or >= 300).GroupBy(a => $"{a.Kind}:{a.Status}").Select(g => $"{g.Key}×{g.Count()}").ToList();
        verdict.Check("every request answered successfully", errors.Count == 0, errors.Count == 0 ? $"{answers.Count} answers" : string.Join(", ", errors));
        verdict.Check("no profile answer staler than the bound (1 s)", stale.Count == 0, stale.Count == 0 ? "none" : string.Join("; ", stale.Take(3)));

        double Delta(Func<ReadCounts, double> pick, double from, double to)
        {
            var inside = counts.Where(c => c.At >= from && c.At <= to).ToList();
            return inside.Count < 2 ? double.NaN : pick(inside[^1]) - pick(inside[0]);
        }
        var before = Delta(c => c.Replica, loadStart + 2000, fault.FaultStart);
        verdict.Check("the replica answered before the fault", before > 0, $"{before} replica reads");
        // Half a second for reads in flight and one check interval.
        var replicaDuring = Delta(c => c.Replica, fault.FaultEnd + 500, fault.RestoreStart);
        var primaryDuring = Delta(c => c.Primary, fault.FaultEnd + 500, fault.RestoreStart);
        verdict.Check("reads moved to the primary during the fault", replicaDuring == 0 && primaryDuring > 0,
            $"{replicaDuring} replica / {primaryDuring} primary reads");
        var back = counts.Where(c => c.At >= fault.RestoreEnd).FirstOrDefault(c => c.Replica > counts.Last(x => x.At <= fault.RestoreEnd).Replica);
        var backMs = back is null ? double.NaN : back.At - fault.RestoreEnd;
        verdict.Check("reads moved back to the replica within 15 s of the restore", backMs < 15_000, Stats.Ms(backMs));

        var matches = answers.Where(a => a.Kind == "matches").Select(a => a.Ms).ToList();
        verdict.Figure($"answers={answers.Count} errors={answers.Count(a => a.Status is < 200 or >= 300)} stale={stale.Count}");
        verdict.Figure($"matches_p50={Stats.Ms(Stats.Percentile(matches, 50))} matches_p99={Stats.Ms(Stats.Percentile(matches, 99))}");
        verdict.Figure($"replica_reads_before={before} during_fault={replicaDuring}/{primaryDuring} back_after={Stats.Ms(backMs)}");
        return verdict.Print();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri node, string path, DrillMember member,
        object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(node, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>Lag-tolerant reads so far, summed over the nodes, by the server that answered.</summary>
    private static async Task<ReadCounts> CountsAsync(HttpClient http, IReadOnlyList<Uri> nodes, Stopwatch clock, CancellationToken cancellationToken)
    {
        double replica = 0, primary = 0;
        foreach (var node in nodes)
        {
            var text = await http.GetStringAsync(new Uri(node, "/metrics"), cancellationToken);
            foreach (var line in text.Split('\n').Where(l => l.StartsWith("distance_db_lag_tolerant_reads_total{", StringComparison.Ordinal)))
            {
                var value = double.Parse(line[(line.IndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                if (line.Contains("server=\"replica\"", StringComparison.Ordinal))
                    replica += value;
                else
                    primary += value;
            }
        }
        return new ReadCounts(clock.Elapsed.TotalMilliseconds, replica, primary);
    }
}
