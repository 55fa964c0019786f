using System.Net;
using System.Net.Http.Headers;

namespace Distance.Drills;

/// <summary>How many of a burst of limited requests the cluster let through, per node.</summary>
public sealed record LimitBurst(int Sent, int Allowed, int Refused, int NoAnswer, IReadOnlyList<int> RefusedPerNode);

/// <summary>
/// After a Redis fault: one member fires a burst of GET /api/matches alternately at both nodes.
/// The matching bucket is shared by the cluster through Redis (RateLimiting:Matching, a burst of
/// 10 by default), so the cluster lets about one bucket through; node-local fallback buckets — the
/// degraded mode while Redis is away — would let each node pass a whole bucket, twice as many.
/// </summary>
public static class LimitProbe
{
    public static async Task<LimitBurst> BurstAsync(IReadOnlyList<Uri> nodes, string token, int count, CancellationToken cancellationToken)
    {
        var clients = nodes.Select(n => new HttpClient { BaseAddress = n, Timeout = TimeSpan.FromSeconds(5) }).ToList();
        try
        {
            var refusedPerNode = new int[nodes.Count];
            var (allowed, refused, noAnswer) = (0, 0, 0);
            for (var i = 0; i < count; i++)
            {
                var node = i % nodes.Count;
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/matches");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                try
                {
                    using var response = await clients[node].SendAsync(request, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        refused++;
                        refusedPerNode[node]++;
                    }
                    else
                        allowed++; // any other answer went through the limiter and took a token
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    noAnswer++;
                }
            }
            return new LimitBurst(count, allowed, refused, noAnswer, refusedPerNode);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
