using System.Net;
using Distance.Tests.Infrastructure;

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

    [Fact]
    public async Task OutsideDevelopmentTheRootStaysNotFound()
    {
        await using var production = fixture.StartNode(new Dictionary<string, string?> { ["environment"] = "Production" });
        using var client = production.CreateClient();

        var root = await client.GetAsync("/").Within();
        var script = await client.GetAsync("/lib/signalr.min.js").Within();

        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, script.StatusCode);
        Assert.Equal("application/problem+json", root.Content.Headers.ContentType?.MediaType);
    }
}

[CollectionDefinition(nameof(WebClientCollection))]
public sealed class WebClientCollection : ICollectionFixture<DistanceFixture>;
