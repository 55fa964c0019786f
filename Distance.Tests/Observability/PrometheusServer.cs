using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Distance.Tests.Observability;

/// <summary>
/// Debian's Prometheus (/usr/bin/prometheus) as a child process on a free loopback port, with a
/// temporary configuration and data folder, scraping the given targets every second and loading
/// the given rule files. Killed and cleaned up on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process process;
    private readonly string folder;
    private readonly HttpClient http;

    private PrometheusServer(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(15) };
    }

    public static async Task<PrometheusServer> StartAsync(string job, IEnumerable<string> targets, IEnumerable<string> ruleFiles)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: `apt-get install -y prometheus` (scripts/test.sh installs it).");
        var folder = Directory.CreateTempSubdirectory("distance-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{string.Join(", ", ruleFiles.Select(f => $"'{f}'"))}]
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(folder, "data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Prometheus did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, folder, port);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>An instant query; the result vector (or scalar) of <c>/api/v1/query</c>.</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        using var response = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expression));
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        if (json.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"Prometheus refused `{expression}`: {body}");
        return json.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>Like <see cref="QueryAsync"/>, but a slow or unreachable Prometheus (a loaded machine) answers "no data yet".</summary>
    public async Task<int> CountAsync(string expression)
    {
        try
        {
            return (await QueryAsync(expression)).GetArrayLength();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Those of the dashboard's queries that return no data (yet).</summary>
    public async Task<List<(string Panel, string Expression)>> WithoutDataAsync(IEnumerable<(string Panel, string Expression)> queries)
    {
        var empty = new List<(string Panel, string Expression)>();
        foreach (var query in queries)
            if (await CountAsync(query.Expression) == 0)
                empty.Add(query);
        return empty;
    }

    public async Task<JsonElement> RulesAsync()
    {
        var body = await http.GetStringAsync("/api/v1/rules");
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("groups").Clone();
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Prometheus exited with {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync("/-/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Prometheus did not become ready within 30 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
