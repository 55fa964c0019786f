namespace Distance.Push;

/// <summary>
/// <c>dotnet Distance.Push.dll --healthcheck</c>, the container's health check (the runtime image
/// has no curl): GET /health/ready of the worker beside it, exit 0 when ready. The worker listens
/// on the first http address of ASPNETCORE_URLS, else on ASPNETCORE_HTTP_PORTS (8080 in the image).
/// </summary>
internal static class ReadinessProbe
{
    public static bool IsRequested(string[] args) => args is ["--healthcheck"];

    public static async Task<int> RunAsync()
    {
        var listening = Environment.GetEnvironmentVariable("ASPNETCORE_URLS")?.Split(';')
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        var port = listening is null
            ? Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0] is { Length: > 0 } ports ? ports.Trim() : "8080"
            : new Uri(listening.Replace("://*", "://localhost").Replace("://+", "://localhost")).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var answer = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
            return answer.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }
    }
}
