using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Distance.Drills;

/// <summary>One probe answer: readiness or a database-backed API route of one node.</summary>
public sealed record ProbeSample(double At, int Node, string Kind, int Status, double Ms, string? Code, bool IsProblem);

/// <summary>
/// Polls every node directly (not through a proxy) during the drill: /health/ready every 250 ms and
/// GET /api/rooms (needs Redis for the token check and MariaDB for the rooms) every 500 ms, with
/// the same client timeout a mobile app would use, so hangs show up as long latencies.
/// </summary>
public sealed class Probes(IReadOnlyList<Uri> nodes, string token, Stopwatch clock)
{
    public ConcurrentQueue<ProbeSample> Samples { get; } = new();

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(nodes.SelectMany((node, i) => new[]
        {
            LoopAsync(i + 1, node, "ready", "/health/ready", null, TimeSpan.FromMilliseconds(250), stop),
            LoopAsync(i + 1, node, "api", "/api/rooms", token, TimeSpan.FromMilliseconds(500), stop),
        }));

    private async Task LoopAsync(int index, Uri node, string kind, string path, string? bearer, TimeSpan every, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(10) };
        while (!stop.IsCancellationRequested)
        {
            var started = clock.Elapsed.TotalMilliseconds;
            int status;
            string? code = null;
            var problem = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (bearer is not null)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                using var response = await http.SendAsync(request, stop);
                status = (int)response.StatusCode;
                problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (problem)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                    code = body.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // 0 = no HTTP answer at all (refused while the node is down, or the client timeout).
                status = 0;
                code = exception is TaskCanceledException ? "client_timeout" : "no_answer";
            }
            Samples.Enqueue(new ProbeSample(started, index, kind, status, clock.Elapsed.TotalMilliseconds - started, code, problem));
            var rest = every - TimeSpan.FromMilliseconds(clock.Elapsed.TotalMilliseconds - started);
            if (rest > TimeSpan.Zero)
                await Task.Delay(rest, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
