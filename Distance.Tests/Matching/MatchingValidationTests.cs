using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Matching;

[Collection(nameof(MatchingCollection))]
public sealed class MatchingValidationTests(DistanceFixture fixture)
{
    [Theory]
    [InlineData("?radiusMeters=0", "radiusMeters")]
    [InlineData("?radiusMeters=30001", "radiusMeters")]
    [InlineData("?radiusMeters=abc", "radiusMeters")]
    [InlineData("?radiusMeters=1.5", "radiusMeters")]
    [InlineData("?count=0", "count")]
    [InlineData("?count=21", "count")]
    [InlineData("?count=-1", "count")]
    [InlineData("?otherSchools=maybe", "otherSchools")]
    public async Task BadMatchParametersAreValidationErrors(string query, string field)
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");

        var response = await scene.SendAsync(caller, HttpMethod.Get, "/api/matches" + query);

        await AssertValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task TheRangesOfTheMatchParametersAreInclusive()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");

        await scene.MatchesAsync(caller, "?radiusMeters=1&count=1&otherSchools=false");
        await scene.MatchesAsync(caller, "?radiusMeters=30000&count=20&otherSchools=true");
    }

    [Theory]
    [InlineData("""{"latitude":90.000001,"longitude":0}""", "latitude")]
    [InlineData("""{"latitude":-91,"longitude":0}""", "latitude")]
    [InlineData("""{"latitude":0,"longitude":180.5}""", "longitude")]
    [InlineData("""{"latitude":0,"longitude":-181}""", "longitude")]
    [InlineData("""{"longitude":10}""", "latitude")]
    [InlineData("""{"latitude":10}""", "longitude")]
    public async Task BadCoordinatesAreValidationErrors(string json, string field)
    {
        var scene = new MatchingScene(fixture);
        var member = await fixture.CreateMemberAsync().Within();

        var response = await scene.SendAsync(member, HttpMethod.Put, "/api/me/location", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertValidationErrorAsync(response, field);
        Assert.Equal(HttpStatusCode.Conflict, (await scene.SendAsync(member, HttpMethod.Get, "/api/matches")).StatusCode);
    }

    [Theory]
    [InlineData("""{"latitude":"north","longitude":0}""")]
    [InlineData("""{"latitude":1e999,"longitude":0}""")]
    [InlineData("""{"latitude":NaN,"longitude":0}""")]
    [InlineData("not json")]
    public async Task CoordinatesThatAreNotFiniteNumbersAreRefused(string json)
    {
        var scene = new MatchingScene(fixture);
        var member = await fixture.CreateMemberAsync().Within();

        var response = await scene.SendAsync(member, HttpMethod.Put, "/api/me/location", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    public async Task TheEdgesOfTheCoordinateRangesAreAccepted(double latitude, double longitude)
    {
        var scene = new MatchingScene(fixture);
        var member = await fixture.CreateMemberAsync(schoolCode: "KNSU").Within();

        var response = await scene.PutLocationAsync(member, new Point(latitude, longitude));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task LocationAndMatchesRequireAnAccessToken()
    {
        using var client = fixture.NodeA.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/matches").Within()).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsJsonAsync("/api/me/location", new { latitude = 1, longitude = 1 }).Within()).StatusCode);
    }

    private static async Task AssertValidationErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {body}");
    }
}
