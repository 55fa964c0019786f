using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Distance.Realtime.WebClient;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Distance.Tests.WebClient;

[Collection(nameof(WebClientCollection))]
public sealed class WebClientTests(DistanceFixture fixture)
{
    [Fact]
    public async Task TheReferencePageIsServedAtTheRootInDevelopment()
    {
        using var client = fixture.NodeA.CreateClient();

        var response = await client.GetAsync("/").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString());
        var html = await response.Content.ReadAsStringAsync().Within();
        Assert.Matches("<script src=\"/lib/signalr\\.min\\.js\\?v=[0-9a-f]{12}\" defer></script>", html);
        Assert.Matches("<script type=\"module\" src=\"/js/app\\.js\\?v=[0-9a-f]{12}\"></script>", html);
        // Modules import each other by plain path; the import map gives each its versioned URL.
        Assert.Matches("<script type=\"importmap\">\\{\"imports\":\\{.*\"/js/hub\\.js\":\"/js/hub\\.js\\?v=[0-9a-f]{12}\"", html);
        Assert.Contains("data-dev=\"true\"", html);
    }

    [Fact]
    public async Task AFileNamedWithItsVersionIsCachedForAYearAndWithoutItIsRevalidated()
    {
        using var client = fixture.NodeA.CreateClient();
        var html = await client.GetStringAsync("/").Within();
        var versioned = Regex.Match(html, "/js/hub\\.js\\?v=[0-9a-f]{12}").Value;

        foreach (var (path, cacheControl) in new[]
        {
            (versioned, "public, max-age=31536000, immutable"),
            ("/js/hub.js", "no-cache"),
            ("/js/hub.js?v=000000000000", "no-cache"),
            ("/sw.js", "no-cache"),
        })
        {
            var response = await client.GetAsync(path).Within();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(cacheControl, response.Headers.CacheControl?.ToString());
        }
        var js = await client.GetAsync(versioned).Within();
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        var signalR = await client.GetStringAsync("/lib/signalr.min.js").Within();
        Assert.StartsWith("/*! @microsoft/signalr ", signalR);
    }

    [Theory]
    [InlineData("br", "br")]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("identity", null)]
    public async Task FilesGoOutCompressedAsTheClientAccepts(string acceptEncoding, string? expected)
    {
        using var client = fixture.NodeA.CreateClient();
        var plain = await client.GetByteArrayAsync("/lib/signalr.min.js").Within();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/lib/signalr.min.js");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        var response = await client.SendAsync(request).Within();
        var body = await response.Content.ReadAsByteArrayAsync().Within();

        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        using var decoded = new MemoryStream();
        using (var stream = expected switch
        {
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            "gzip" => (Stream)new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => new MemoryStream(body),
        })
            await stream.CopyToAsync(decoded).Within();
        Assert.Equal(plain, decoded.ToArray());
        if (expected is not null)
            Assert.True(body.Length < plain.Length / 2, $"{expected}: {body.Length} of {plain.Length} bytes");
    }

    [Fact]
    public async Task AnUnchangedFileIsAnswered304ByItsETag()
    {
        using var client = fixture.NodeA.CreateClient();
        var first = await client.GetAsync("/css/app.css").Within();
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/css/app.css");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again).Within()).StatusCode);
    }

    [Fact]
    public async Task TheServiceWorkerListsEveryVersionedFileAndTheManifestIsJson()
    {
        using var client = fixture.NodeA.CreateClient();
        var worker = await client.GetStringAsync("/sw.js").Within();
        Assert.DoesNotContain("__ASSETS__", worker);
        Assert.DoesNotContain("'__VERSION__'", worker);
        Assert.Matches("\"/js/app\\.js\\?v=[0-9a-f]{12}\"", worker);
        Assert.DoesNotContain(".js.br", worker);

        var manifest = await client.GetAsync("/manifest.webmanifest").Within();
        Assert.Equal("application/manifest+json", manifest.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await manifest.Content.ReadAsStringAsync().Within());
        Assert.Equal("/", json.RootElement.GetProperty("start_url").GetString());
    }

    [Fact]
    public async Task ApiRoutesStillWinOverThePage()
    {
        using var client = fixture.NodeA.CreateClient();
        var response = await client.GetAsync("/api/me").Within();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/no-such-file.js").Within()).StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task OutsideDevelopmentTheRootAndThePageFilesStayNotFound(string environment)
    {
        // The web client's own wiring on a bare host over the real wwwroot: a whole node outside
        // Development needs every feature's production settings, which this test is not about.
        await using var app = await StartBareHostAsync(environment);
        using var client = app.GetTestClient();

        foreach (var path in new[] { "/", "/index.html", "/lib/signalr.min.js", "/js/app.js" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path).Within()).StatusCode);
    }

    [Fact]
    public async Task TheBareHostServesThePageInDevelopment()
    {
        // The control for the test above: the same bare host does serve the page in Development.
        await using var app = await StartBareHostAsync("Development");
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/").Within()).StatusCode);
    }

    private static async Task<WebApplication> StartBareHostAsync(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = RealtimeProjectDirectory(),
        });
        builder.WebHost.UseTestServer();
        builder.Services.AddWebClient();
        var app = builder.Build();
        app.MapWebClient();
        await app.StartAsync().Within();
        return app;
    }

    private static string RealtimeProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Distance.sln")))
                return Path.Combine(directory.FullName, "Distance.Realtime");
        }
        throw new InvalidOperationException("Distance.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(nameof(WebClientCollection))]
public sealed class WebClientCollection : ICollectionFixture<DistanceFixture>;
