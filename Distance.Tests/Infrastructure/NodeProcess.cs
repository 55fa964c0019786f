using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Distance.Tests.Infrastructure;

/// <summary>
/// A Distance node as a real process: the built Distance.Realtime.dll on a free loopback port, in
/// Production, configured through <c>Section__Key</c> environment variables like a deployment.
/// Unlike in-process nodes it shares no meters with other nodes of the test run, so its
/// <c>/metrics</c> is its own. It runs with the test project's dependency file, so a hosting
/// startup named in the settings (e.g. the probe endpoints) can load from the test assembly.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    private NodeProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var folder = AppContext.BaseDirectory;
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            ArgumentList =
            {
                "exec", "--runtimeconfig", Path.Combine(folder, "Distance.Realtime.runtimeconfig.json"),
                "--depsfile", Path.Combine(folder, "Distance.Tests.deps.json"),
                Path.Combine(folder, "Distance.Realtime.dll"), "--urls", address.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in TestServices.PlaceholderSenders.Concat(settings))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var node = new NodeProcess(Process.Start(start) ?? throw new InvalidOperationException("The node did not start."), address);
        await node.WaitUntilReadyAsync();
        return node;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The node exited with {process.ExitCode}:\n{Output()}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The node was not ready within 60 s:\n{Output()}");
    }

    public string Output()
    {
        lock (output)
            return string.Join('\n', output.TakeLast(40));
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.Add(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        process.Dispose();
    }
}
