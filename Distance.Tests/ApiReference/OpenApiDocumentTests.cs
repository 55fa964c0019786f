using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Distance.Realtime.ApiReference;
using Distance.Tests.Infrastructure;
using Distance.Tests.Notifications;
using Microsoft.AspNetCore.Routing;

namespace Distance.Tests.ApiReference;

[Collection(nameof(ApiReferenceCollection))]
public sealed partial class OpenApiDocumentTests(DistanceFixture fixture)
{
    /// <summary>
    /// Routes the document leaves out on purpose: the hub (SignalR, described in docs/api.md), the
    /// operators' probes and scrape (internal), and the reference itself.
    /// </summary>
    private static bool Undocumented(string route) =>
        route.StartsWith("/hubs/", StringComparison.Ordinal) || route.StartsWith("/health/", StringComparison.Ordinal)
        || route == "/metrics" || route.StartsWith("/openapi/", StringComparison.Ordinal) || route.StartsWith("/scalar", StringComparison.Ordinal);

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = fixture.NodeA.CreateClient();
        // The first request builds the document (every route's schemas): seconds on a loaded machine.
        var response = await client.GetAsync("/openapi/v1.json").Within(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync().Within())).RootElement.Clone();
    }

    /// <summary>Every (method, route) the node serves, as the document writes routes (<c>{id:long}</c> → <c>{id}</c>).</summary>
    private IReadOnlyList<(string Method, string Route)> ServedRoutes() =>
        fixture.NodeA.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method =>
                (method, "/" + Constraint().Replace(e.RoutePattern.RawText!.Trim('/'), "{$1}"))))
            .Where(r => !Undocumented(r.Item2))
            .Distinct()
            .ToList();

    [Fact]
    public async Task EveryRouteTheNodeServesIsInTheDocument()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var served = ServedRoutes();

        Assert.True(served.Count >= 25, $"only {served.Count} routes found");
        var missing = served.Where(r => !paths.TryGetProperty(r.Route, out var path) || !path.TryGetProperty(r.Method.ToLowerInvariant(), out _))
            .Select(r => $"{r.Method} {r.Route}").ToList();
        Assert.True(missing.Count == 0, "Missing from /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EveryOperationListsItsErrorCodesAsProblemDetails()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");

        foreach (var path in paths.EnumerateObject())
        foreach (var operation in path.Value.EnumerateObject())
        {
            var responses = operation.Value.GetProperty("responses");
            var unavailable = responses.GetProperty("503");
            Assert.Contains("unavailable", Codes(unavailable));
            Assert.True(unavailable.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{operation.Name} {path.Name}");
        }
        var requestCode = paths.GetProperty("/api/verifications/sms").GetProperty("post").GetProperty("responses");
        Assert.Equal(["phone_taken"], Codes(requestCode.GetProperty("409")));
        Assert.Equal(["rate_limited", "too_many_codes"], Codes(requestCode.GetProperty("429")).Order());
        Assert.Contains("validation_failed", Codes(requestCode.GetProperty("400")));
        Assert.True(requestCode.TryGetProperty("202", out _), "the success result type is documented");
        var openRoom = paths.GetProperty("/api/rooms").GetProperty("post").GetProperty("responses");
        Assert.Equal(["token_expired", "token_invalid"], Codes(openRoom.GetProperty("401")).Order());
        Assert.Equal(["student_unverified"], Codes(openRoom.GetProperty("403")));
        Assert.Equal(["room_limit_reached"], Codes(openRoom.GetProperty("409")));
    }

    [Fact]
    public async Task EveryRouteWithItsOwnCodesExists()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");

        foreach (var key in RouteErrorCodes.ByRoute.Keys)
        {
            var (method, route) = (key.Split(' ')[0], key.Split(' ')[1]);
            Assert.True(paths.TryGetProperty(route, out var path) && path.TryGetProperty(method.ToLowerInvariant(), out _), $"{key} is listed in RouteErrorCodes but not served");
        }
    }

    [Fact]
    public async Task TheBrowsableReferenceIsServedInDevelopmentOnly()
    {
        using var development = fixture.NodeA.CreateClient();
        var page = await development.GetAsync("/scalar/v1").Within();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        var settings = new Dictionary<string, string?>(fixture.Settings);
        foreach (var (key, value) in TestServices.PlaceholderSenders)
            settings[key] = value;
        await using var production = new ProductionNode(settings);
        using var client = production.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/scalar/v1").Within()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json").Within()).StatusCode);
    }

    private static string[] Codes(JsonElement response) =>
        response.GetProperty("x-error-codes").EnumerateArray().Select(c => c.GetString()!).ToArray();

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial Regex Constraint();
}

[CollectionDefinition(nameof(ApiReferenceCollection))]
public sealed class ApiReferenceCollection : ICollectionFixture<DistanceFixture>;
