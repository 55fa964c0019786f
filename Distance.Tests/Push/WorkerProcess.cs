using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Distance.Tests.Push;

/// <summary>The Distance.Push worker as a real child process, so a test can kill it with SIGKILL mid-batch.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Queue<string> output = new();

    private WorkerProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static async Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var folder = AppContext.BaseDirectory;
        var address = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                "exec", "--runtimeconfig", Path.Combine(folder, "Distance.Push.runtimeconfig.json"),
                "--depsfile", Path.Combine(folder, "Distance.Tests.deps.json"),
                Path.Combine(folder, "Distance.Push.dll"), "--urls", address,
            },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var worker = new WorkerProcess(Process.Start(start)!);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (worker.process.HasExited)
                throw new InvalidOperationException("The worker exited: " + worker.RecentOutput());
            try
            {
                if ((await client.GetAsync(address + "/health/ready")).StatusCode == HttpStatusCode.OK)
                    return worker;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        await worker.DisposeAsync();
        throw new TimeoutException("The worker was not ready: " + worker.RecentOutput());
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is acknowledged on the way out.</summary>
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
