using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// A Distance node as a real child process (the built Distance.Realtime.dll on a free loopback
/// port), for tests that must kill a node the hard way (in-process nodes cannot be kill -9'd) or
/// need a node's own /metrics (in-process nodes share meters). Settings reach it as environment
/// variables (Section__Key), the way operators configure nodes. <see cref="StartPushWorkerAsync"/>
/// runs the push worker (Distance.Push.dll) the same way.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Queue<string> output = new();

    private NodeProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public int ProcessId => process.Id;

    /// <summary>
    /// Starts a node with <paramref name="settings"/> and waits until /health/ready answers 200.
    /// It runs as a deployment does (Production unless told otherwise) from the test output, with
    /// the test project's dependency file, so a hosting startup named in the settings (e.g. the
    /// observability probe endpoints) can load from the test assembly.
    /// </summary>
    public static Task<NodeProcess> StartAsync(
        IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null, string environment = "Production") =>
        StartAsync("Distance.Realtime", TestServices.PlaceholderSenders.Concat(settings), timeout, environment);

    /// <summary>A push worker process (it serves /health/* and /metrics), ready when its Redis and MariaDB answer.</summary>
    public static Task<NodeProcess> StartPushWorkerAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null) =>
        StartAsync("Distance.Push", settings, timeout, "Production");

    private static async Task<NodeProcess> StartAsync(
        string application, IEnumerable<KeyValuePair<string, string?>> settings, TimeSpan? timeout, string environment)
    {
        var folder = AppContext.BaseDirectory;
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                "exec", "--runtimeconfig", Path.Combine(folder, application + ".runtimeconfig.json"),
                "--depsfile", Path.Combine(folder, "Distance.Tests.deps.json"),
                Path.Combine(folder, application + ".dll"), "--urls", baseAddress.ToString(),
            },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var node = new NodeProcess(Process.Start(start)!, baseAddress);
        try
        {
            await node.WaitUntilReadyAsync(timeout ?? TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A hub connection over real WebSockets, authenticated with <paramref name="accessToken"/>.</summary>
    public HubConnection CreateHubConnection(string accessToken) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/chat"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .Build();

    /// <summary>The process's own Prometheus text.</summary>
    public async Task<string> MetricsAsync()
    {
        using var client = CreateClient();
        return await client.GetStringAsync("/metrics");
    }

    /// <summary>SIGKILL for the node and anything it started: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public string RecentOutput()
    {
        lock (output)
            return string.Join(Environment.NewLine, output);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The node exited with {process.ExitCode}:{Environment.NewLine}{RecentOutput()}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The node was not ready within {timeout}:{Environment.NewLine}{RecentOutput()}");
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > 200)
                output.Dequeue();
        }
    }

    /// <summary>The node's own build output (…/Distance.Realtime/bin/&lt;Configuration&gt;/&lt;tfm&gt;/), next to the tests' one.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
