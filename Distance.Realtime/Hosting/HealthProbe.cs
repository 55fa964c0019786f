namespace Distance.Realtime.Hosting;

/// <summary>
/// <c>dotnet Distance.Realtime.dll --healthcheck</c>: asks the node running beside it for
/// <c>/health/ready</c> and exits 0 when it is ready, 1 otherwise. The container's health check
/// (docker-compose.yml) runs it, because the runtime image has no curl or wget to do the asking.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--healthcheck";

    public static bool IsRequested(string[] args) => args is [Argument];

    public static async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var target = new Uri(LocalAddress(Environment.GetEnvironmentVariable), "/health/ready");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await client.GetAsync(target, cancellationToken);
            await Console.Out.WriteLineAsync($"{target}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{target}: {exception.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Where this node listens, the way Kestrel decides it: <c>ASPNETCORE_URLS</c> wins over
    /// <c>ASPNETCORE_HTTP_PORTS</c>, and a wildcard host (<c>*</c>, <c>+</c>, any-address) is asked on loopback.
    /// </summary>
    internal static Uri LocalAddress(Func<string, string?> environment)
    {
        var urls = environment("ASPNETCORE_URLS");
        var url = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (url is not null)
        {
            var wildcard = url.Replace("://*", "://127.0.0.1").Replace("://+", "://127.0.0.1")
                .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1");
            return new Uri(wildcard);
        }
        var port = environment("ASPNETCORE_HTTP_PORTS")?.Split(';', ',').FirstOrDefault()?.Trim();
        return new Uri($"http://127.0.0.1:{(string.IsNullOrEmpty(port) ? "8080" : port)}");
    }
}
