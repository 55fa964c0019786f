using System.Net;
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
        var html = await response.Content.ReadAsStringAsync().Within();
        Assert.Contains("<script src=\"lib/signalr.min.js\"></script>", html);
        Assert.Contains("<script type=\"module\" src=\"js/app.js\"></script>", html);
    }

    [Fact]
    public async Task TheVendoredSignalRClientAndTheModulesAreServedAsJavaScript()
    {
        using var client = fixture.NodeA.CreateClient();

        foreach (var path in new[] { "/lib/signalr.min.js", "/js/app.js", "/js/hub.js" })
        {
            var response = await client.GetAsync(path).Within();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            // Modules are revalidated on every load, so a rebuilt page is never mixed with stale parts.
            Assert.Contains("no-cache", response.Headers.CacheControl?.ToString());
        }
        var signalR = await client.GetStringAsync("/lib/signalr.min.js").Within();
        Assert.StartsWith("/*! @microsoft/signalr ", signalR);
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
