using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Distance.Load.Common;

namespace Distance.Load.Push;

/// <summary>A Distance.Push process on a free loopback port, ready once /health/ready answers; killed on dispose.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
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

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    public static async Task<WorkerProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> environment)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var worker = new WorkerProcess(Process.Start(start)!);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !worker.HasExited; await Task.Delay(100))
        {
            if (await Readiness.IsReadyAsync(http, $"http://127.0.0.1:{port}"))
                return worker;
        }
        var said = worker.RecentOutput();
        await worker.DisposeAsync();
        throw new InvalidOperationException("the push worker did not become ready:" + Environment.NewLine + said);
    }

    public string RecentOutput()
    {
        lock (output)
            return string.Join(Environment.NewLine, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > 100)
                output.Dequeue();
        }
    }
}
