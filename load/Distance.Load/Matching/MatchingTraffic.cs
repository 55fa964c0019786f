using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Distance.Data.Locations;
using Distance.Load.Common;

namespace Distance.Load.Matching;

/// <summary>
/// The HTTP side of the scenario: festival members asking for matches and walking about.
/// Callers and walkers are drawn uniformly from the crowd (member ids 1..crowd). The caller owns
/// the clients; matches and updates may share them or not.
/// </summary>
public sealed class MatchingTraffic
{
    private readonly HttpNodes matches;
    private readonly HttpNodes updates;
    private readonly DevTokens tokens;
    private readonly (double Latitude, double Longitude)[] positions;
    private readonly (double Latitude, double Longitude) campus;
    private readonly string matchPath;
    private readonly double stepMeters;
    private long returned;
    private long answered;

    public MatchingTraffic(HttpNodes matches, HttpNodes updates, DevTokens tokens, (double, double)[] positions, (double, double) campus,
        int radiusMeters, int count, double stepMeters)
    {
        this.matches = matches;
        this.updates = updates;
        this.tokens = tokens;
        this.positions = positions;
        this.campus = campus;
        this.stepMeters = stepMeters;
        matchPath = $"/api/matches?radiusMeters={radiusMeters}&count={count}";
    }

    /// <summary>Average number of matches per answered request, to show the draws were full.</summary>
    public double AverageMatches => answered == 0 ? 0 : (double)Interlocked.Read(ref returned) / Interlocked.Read(ref answered);

    public Task<bool> MatchAsync(CancellationToken cancellationToken) => MatchAsync(null, cancellationToken);

    /// <summary>GET /api/matches for a random member of the crowd; true on 200. Every status goes into <paramref name="statuses"/>.</summary>
    public async Task<bool> MatchAsync(StatusCounts? statuses, CancellationToken cancellationToken)
    {
        var member = Random.Shared.Next(positions.Length) + 1;
        using var request = new HttpRequestMessage(HttpMethod.Get, matchPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(member));
        using var response = await matches.SendAsync(request, statuses, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            return false;
        Interlocked.Increment(ref answered);
        Interlocked.Add(ref returned, Occurrences(body, "\"distanceMeters\""));
        return true;
    }

    public Task<bool> UpdateLocationAsync(CancellationToken cancellationToken) => UpdateLocationAsync(null, cancellationToken);

    /// <summary>PUT /api/me/location: a random member of the crowd takes a step; true on 204.</summary>
    public async Task<bool> UpdateLocationAsync(StatusCounts? statuses, CancellationToken cancellationToken)
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
        using var response = await updates.SendAsync(request, statuses, cancellationToken);
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
}
