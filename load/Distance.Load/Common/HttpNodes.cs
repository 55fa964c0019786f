namespace Distance.Load.Common;

/// <summary>
/// HTTP clients for one or more nodes of a cluster, one connection pool per node: each request
/// goes to the next node in turn, so a mix of operations spreads evenly over the nodes.
/// </summary>
public sealed class HttpNodes : IDisposable
{
    private readonly HttpClient[] clients;
    private long next = -1;

    public HttpNodes(IReadOnlyList<Uri> nodes, int connectionsPerNode)
    {
        if (nodes.Count == 0)
            throw new ArgumentException("at least one node URL is needed");
        clients = nodes.Select(node => Client(node, connectionsPerNode)).ToArray();
    }

    public int Count => clients.Length;

    public static IReadOnlyList<Uri> ParseUrls(string urls) =>
        urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToList();

    /// <summary>
    /// Sends to the next node and records the status (or the exception's type name) in
    /// <paramref name="statuses"/> when given. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, StatusCounts? statuses, CancellationToken cancellationToken)
    {
        var client = clients[(int)((ulong)Interlocked.Increment(ref next) % (ulong)clients.Length)];
        try
        {
            var response = await client.SendAsync(request, cancellationToken);
            statuses?.Add(response.StatusCode);
            return response;
        }
        catch (Exception exception) when (statuses is not null)
        {
            statuses.Add(exception.GetType().Name);
            throw;
        }
    }

    private static HttpClient Client(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public void Dispose()
    {
        foreach (var client in clients)
            client.Dispose();
    }
}
