using System.Net;
using System.Text;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Hosting;

/// <summary>Kestrel's request limits from appsettings.json, on a node running as a process (the in-memory test server has no Kestrel).</summary>
[Collection(nameof(KestrelLimitsCollection))]
public sealed class KestrelLimitsTests(DistanceFixture fixture)
{
    [Fact]
    public async Task OversizedBodiesHeadersAndRequestLinesAreRefusedBeforeTheApi()
    {
        await using var node = await NodeProcess.StartAsync(fixture.Settings, timeout: TimeSpan.FromSeconds(150)).Within(TimeSpan.FromSeconds(160));
        using var http = node.CreateClient();

        StringContent Login(int passwordLength) =>
            new("{\"phone\":\"01099990000\",\"password\":\"" + new string('x', passwordLength) + "\"}", Encoding.UTF8, "application/json");
        var underLimit = await http.PostAsync("/api/auth/login", Login(60_000)).Within();
        var bigBody = await http.PostAsync("/api/auth/login", Login(70_000)).Within();
        using var bigHeader = new HttpRequestMessage(HttpMethod.Get, "/api/schools?query=a");
        bigHeader.Headers.Add("X-Padding", new string('a', 17_000));
        var headerAnswer = await http.SendAsync(bigHeader).Within();
        var longLine = await http.GetAsync("/api/schools?query=" + new string('a', 9_000)).Within();
        var ordinary = await http.GetAsync("/api/schools?query=a").Within();

        // Under the limit the handler answers (no such account); over it the body is never read. Minimal
        // APIs report a body cut off by the limit as 400 (Kestrel's own answer is 413 when Content-Length says so up front).
        Assert.Equal(HttpStatusCode.Unauthorized, underLimit.StatusCode);
        Assert.Contains(bigBody.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, headerAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longLine.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ordinary.StatusCode);
    }
}

[CollectionDefinition(nameof(KestrelLimitsCollection))]
public sealed class KestrelLimitsCollection : ICollectionFixture<DistanceFixture>;
