using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Identity;

/// <summary>The steps the session and password-reset tests share: an anonymous POST, the tokens it answered, and whether an access token still reads /api/me.</summary>
internal static class SessionRequests
{
    public static async Task<HttpResponseMessage> PostAsync(this DistanceFixture fixture, string path, object body, DistanceNode? node = null)
    {
        using var client = (node ?? fixture.NodeA).CreateClientFrom();
        return await client.PostAsJsonAsync(path, body).Within();
    }

    public static async Task<JsonElement> TokensOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>().Within();
    }

    /// <summary>By default on the node that did not issue the token: a revocation must hold across nodes.</summary>
    public static async Task<HttpStatusCode> MeStatusAsync(this DistanceFixture fixture, string accessToken, DistanceNode? node = null)
    {
        using var client = (node ?? fixture.NodeB).CreateClientFrom(accessToken: accessToken);
        return (await client.GetAsync("/api/me").Within()).StatusCode;
    }
}
