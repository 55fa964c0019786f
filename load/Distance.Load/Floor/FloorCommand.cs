using System.Globalization;
using System.Net.Http.Headers;
using Distance.Load.Common;

namespace Distance.Load.Floor;

/// <summary>
/// One GET path at a fixed offered rate (open model), with a member's token or none: what one layer
/// of a request costs the server, from the bare host's health check up through the pipeline,
/// authentication and limits, to one MariaDB read. The festival mix's CPU per request is these
/// layers plus its own work; the floor says how much of it no endpoint can avoid on this machine.
/// </summary>
public static class FloorCommand
{
    public const string Help = """
          --url U                the host (default http://127.0.0.1:5201)
          --path P               the path to GET (default /health/live)
          --member N             sign in as member N with a development token (default: anonymous)
          --rate R               requests per second (default 1000); --duration S (default 20), --warmup S (default 10)
          --clients N            connections (default 32)
          --key PATH             signing key (default .local/jwt-signing.key of the repository)
          --pids P1,P2           processes whose CPU time to report per request
        """;

    public static async Task<int> RunAsync(Arguments args)
    {
        var url = new Uri(args.String("url", "http://127.0.0.1:5201"));
        var path = args.String("path", "/health/live");
        var rate = args.Number("rate", 1000);
        var duration = TimeSpan.FromSeconds(args.Number("duration", 20));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 10));
        var pids = CpuTimes.ParsePids(args.String("pids", ""));
        var token = args.Flag("member")
            ? DevTokens.FromFile(args.String("key", RepoFiles.SigningKeyPath())).For(args.Integer("member", 1))
            : null;
        using var nodes = new HttpNodes([url], args.Integer("clients", 32));

        await PhaseAsync(nodes, path, token, rate, warmup, pids, measured: false);
        await PhaseAsync(nodes, path, token, rate, duration, pids, measured: true);
        return 0;
    }

    private static async Task PhaseAsync(HttpNodes nodes, string path, string? token, double rate, TimeSpan duration,
        IReadOnlyList<int> pids, bool measured)
    {
        var latency = new Latency($"GET {path} @{rate}/s");
        var statuses = new StatusCounts();
        var cpu = CpuTimes.Start(pids);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await OpenLoop.RunAsync(rate, duration, (int)Math.Max(100, rate), latency, async cancellationToken =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await nodes.SendAsync(request, statuses, cancellationToken);
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            // Any answer counts (the statuses are printed): a layer may answer 404 and still cost what it costs.
            return true;
        }, CancellationToken.None);
        cpu.Stop();
        if (!measured)
            return;
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Console.WriteLine(latency.Summary(elapsed) + string.Create(CultureInfo.InvariantCulture, $"  statuses [{statuses}]"));
        Console.WriteLine($"{"",-28} {cpu.Report(elapsed, latency.Count)}");
    }
}
