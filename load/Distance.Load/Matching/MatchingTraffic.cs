using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Distance.Data.Locations;
using Distance.Load.Common;

namespace Distance.Load.Matching;

/// <summary>
/// The HTTP side of the scenario: festival members asking for matches and walking about.
/// Callers and walkers are drawn uniformly from the crowd (member ids 1..crowd).
/// </summary>
public sealed class MatchingTraffic : IDisposable
{
    private readonly HttpClient matches;
    private readonly HttpClient updates;
    private readonly DevTokens tokens;
    private readonly (double Latitude, double Longitude)[] positions;
    private readonly (double Latitude, double Longitude) campus;
    private readonly string matchPath;
    private readonly double stepMeters;
    private long returned;
    private long answered;

    public MatchingTraffic(Uri baseAddress, int clients, DevTokens tokens, (double, double)[] positions, (double, double) campus,
        int radiusMeters, int count, double stepMeters)
    {
        matches = Client(baseAddress, clients);
        updates = Client(baseAddress, Math.Max(4, clients / 2));
        this.tokens = tokens;
        this.positions = positions;
        this.campus = campus;
        this.stepMeters = stepMeters;
        matchPath = $"/api/matches?radiusMeters={radiusMeters}&count={count}";
    }

    /// <summary>Average number of matches per answered request, to show the draws were full.</summary>
    public double AverageMatches => answered == 0 ? 0 : (double)Interlocked.Read(ref returned) / Interlocked.Read(ref answered);

    public async Task<bool> MatchAsync(CancellationToken cancellationToken)
    {
        var member = Random.Shared.Next(positions.Length) + 1;
        using var request = new HttpRequestMessage(HttpMethod.Get, matchPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(member));
        using var response = await matches.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            return false;
        Interlocked.Increment(ref answered);
        Interlocked.Add(ref returned, Occurrences(body, "\"distanceMeters\""));
        return true;
    }

    public async Task<bool> UpdateLocationAsync(CancellationToken cancellationToken)
    {
        var index = Random.Shared.Next(positions.Length);
        var (latitude, longitude) = positions[index] = Step(positions[index]);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/me/location")
        {
            Content = new StringContent(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"latitude\":{latitude:R},\"longitude\":{longitude:R}}}"),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(index + 1));
        using var response = await updates.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    /// <summary>A random step of up to twice the mean length, turned back towards the campus at the crowd's edge.</summary>
    private (double, double) Step((double Latitude, double Longitude) from)
    {
        var metersPerDegree = GeoGrid.EarthRadiusMeters * Math.PI / 180;
        var meters = stepMeters * 2 * Random.Shared.NextDouble();
        var bearing = Random.Shared.NextDouble() * 2 * Math.PI;
        var latitude = from.Latitude + meters * Math.Cos(bearing) / metersPerDegree;
        var longitude = from.Longitude + meters * Math.Sin(bearing) / (metersPerDegree * Math.Cos(from.Latitude * Math.PI / 180));
        if (GeoGrid.DistanceMeters(campus.Latitude, campus.Longitude, latitude, longitude) > 500)
            return (from.Latitude + (campus.Latitude - from.Latitude) * 0.05, from.Longitude + (campus.Longitude - from.Longitude) * 0.05);
        return (latitude, longitude);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            count++;
        return count;
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
        matches.Dispose();
        updates.Dispose();
    }
}
