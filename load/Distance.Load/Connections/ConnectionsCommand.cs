using System.Diagnostics;
using System.Globalization;
using Distance.Contracts;
using Distance.Load.Chat;
using Distance.Load.Common;

namespace Distance.Load.Connections;

/// <summary>
/// N idle authenticated hub connections of members first..first+N-1, alternating between the
/// nodes: reports the connect rate and the driver's CPU per connect, holds them for a while
/// (scripts/bench-connections.sh samples the nodes' memory meanwhile), then checks every one is
/// still connected. One process holds at most ~19,000 sockets (the open-file limit): run several
/// with different --first for more.
/// </summary>
public static class ConnectionsCommand
{
    public const string Help = """
          --count N              connections (default 5000), of members --first F (default 1) onward
          --urls A,B             the nodes (default http://127.0.0.1:5701,http://127.0.0.1:5702)
          --parallel P           handshakes in flight at once (default 64)
          --hold S               seconds to hold the idle connections (default 30)
          --key PATH             signing key (default .local/jwt-signing.key of the repository)
          --client raw|signalr   raw (default): a WebSocket and the JSON handshake, ~4x cheaper for
                                 the driver; signalr: the reference client's full HubConnection
        """;

    public static async Task<int> RunAsync(Arguments args)
    {
        var count = args.Integer("count", 5000);
        var first = args.Integer("first", 1);
        var urls = args.String("urls", "http://127.0.0.1:5701,http://127.0.0.1:5702").Split(',');
        var tokens = DevTokens.FromFile(args.String("key", RepoFiles.SigningKeyPath()));
        var raw = args.String("client", "raw") switch
        {
            "raw" => true,
            "signalr" => false,
            var other => throw new ArgumentException($"--client must be raw or signalr, not {other}"),
        };
        var connections = new IIdleConnection[count];
        for (var i = 0; i < count; i++)
        {
            var member = (long)first + i;
            var hub = urls[i % urls.Length] + ChatHubNames.Path;
            connections[i] = raw
                ? new RawHubConnection(new Uri(hub), tokens.For(member))
                : new ClientIdleConnection(ChatPairs.Build(hub, () => Task.FromResult<string?>(tokens.For(member))));
        }
        long failed = 0;
        var cpu = CpuTimes.Start([]);
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(args.Integer("parallel", 64));
        await Task.WhenAll(connections.Select(async connection =>
        {
            await gate.WaitAsync();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await connection.StartAsync(timeout.Token);
            }
            catch (Exception exception)
            {
                // The first failure says why; the rest are counted.
                if (Interlocked.Increment(ref failed) == 1)
                    Console.Error.WriteLine($"first failed connect: {exception.GetType().Name}: {exception.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        cpu.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"connected {count - failed} of {count} (members {first}..{first + count - 1}) in {elapsed:F1} s = {(count - failed) / elapsed:F0}/s, failed {failed}; {cpu.Report(clock.Elapsed, count - failed)}"));
        Console.Out.Flush();
        await Task.Delay(TimeSpan.FromSeconds(args.Number("hold", 30)));
        var alive = connections.Count(c => c.IsConnected);
        Console.WriteLine($"still connected after the hold: {alive} of {count}");
        using var closing = new SemaphoreSlim(256);
        await Task.WhenAll(connections.Select(async connection =>
        {
            await closing.WaitAsync();
            try
            {
                await connection.DisposeAsync();
            }
            finally
            {
                closing.Release();
            }
        }));
        return alive == count ? 0 : 1;
    }
}
