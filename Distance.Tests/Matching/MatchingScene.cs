using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Distance.Data.Locations;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Matching;

[CollectionDefinition(nameof(MatchingCollection))]
public sealed class MatchingCollection : ICollectionFixture<DistanceFixture>;

public readonly record struct Point(double Latitude, double Longitude);

public sealed record Found(long MemberId, double DistanceMeters, string Gender, string School);

/// <summary>
/// Hand-placed members around a spot of the globe no other test uses, so tests sharing the
/// collection's database never see each other's members.
/// </summary>
public sealed class MatchingScene(DistanceFixture fixture)
{
    public Point Center { get; } = new(Random.Shared.NextDouble() * 120 - 60, Random.Shared.NextDouble() * 350 - 175);

    public HttpClient Client { get; } = fixture.NodeA.CreateClient();

    /// <summary>The point <paramref name="meters"/> from <paramref name="from"/> along <paramref name="bearingDegrees"/>, on the sphere.</summary>
    public static Point Offset(Point from, double meters, double bearingDegrees = 0)
    {
        const double toRadians = Math.PI / 180;
        var angle = meters / GeoGrid.EarthRadiusMeters;
        var bearing = bearingDegrees * toRadians;
        var lat1 = from.Latitude * toRadians;
        var lat2 = Math.Asin(Math.Sin(lat1) * Math.Cos(angle) + Math.Cos(lat1) * Math.Sin(angle) * Math.Cos(bearing));
        var dLon = Math.Atan2(Math.Sin(bearing) * Math.Sin(angle) * Math.Cos(lat1), Math.Cos(angle) - Math.Sin(lat1) * Math.Sin(lat2));
        var lon = from.Longitude + dLon / toRadians;
        lon = (lon + 540) % 360 - 180;
        return new Point(lat2 / toRadians, lon);
    }

    public Point At(double meters, double bearingDegrees = 0) => Offset(Center, meters, bearingDegrees);

    /// <summary>A member who has reported a location <paramref name="meters"/> from the centre.</summary>
    public Task<TestMember> MemberAsync(double meters, string gender = "female", string school = "GACHON", double bearing = 0) =>
        MemberAtAsync(At(meters, bearing), gender, school);

    public async Task<TestMember> MemberAtAsync(Point point, string gender = "female", string school = "GACHON")
    {
        var member = await fixture.CreateMemberAsync(gender, school).Within();
        var response = await PutLocationAsync(member, point);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return member;
    }

    public Task<HttpResponseMessage> PutLocationAsync(TestMember member, Point point) =>
        SendAsync(member, HttpMethod.Put, "/api/me/location", JsonContent.Create(new { latitude = point.Latitude, longitude = point.Longitude }));

    public Task<HttpResponseMessage> SendAsync(TestMember member, HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", member.AccessToken);
        return Client.SendAsync(request).Within();
    }

    /// <summary>GET /api/matches, asserting 200; the matches in response order.</summary>
    public async Task<IReadOnlyList<Found>> MatchesAsync(TestMember caller, string query = "")
    {
        var response = await SendAsync(caller, HttpMethod.Get, "/api/matches" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        return body.GetProperty("matches").EnumerateArray().Select(m => new Found(
            m.GetProperty("member").GetProperty("memberId").GetInt64(),
            m.GetProperty("distanceMeters").GetDouble(),
            m.GetProperty("member").GetProperty("gender").GetString()!,
            m.GetProperty("member").GetProperty("school").GetProperty("code").GetString()!)).ToList();
    }

    public async Task<IReadOnlyList<long>> MatchIdsAsync(TestMember caller, string query = "") =>
        (await MatchesAsync(caller, query)).Select(m => m.MemberId).Order().ToList();

    public async Task ExecuteAsync(string sql, object? parameters = null, TimeSpan? timeout = null)
    {
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await connection.ExecuteAsync(sql, parameters).Within(timeout);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters).Within())!;
    }
}
