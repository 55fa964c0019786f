using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Distance.Realtime.WebClient;

/// <summary>
/// The reference web client in <c>wwwroot/</c>: one static page that speaks only the public
/// contract, for students at a festival, testers and the mobile team. It is served in
/// Development only; elsewhere <c>/</c> stays 404 and the API is all a node exposes.
/// Files go out compressed (brotli or gzip, prepared at start-up) with an ETag; a URL that
/// carries the file's current hash (<c>?v=</c>) is cached for a year, everything else
/// (the page itself, the service worker) is revalidated on every load.
/// </summary>
internal static class WebClientSetup
{
    private const string Forever = "public, max-age=31536000, immutable";

    public static IServiceCollection AddWebClient(this IServiceCollection services) =>
        services.AddSingleton(provider =>
        {
            var environment = provider.GetRequiredService<IWebHostEnvironment>();
            return new WebClientAssets(environment.WebRootFileProvider, environment.IsDevelopment());
        });

    /// <summary>
    /// A middleware, not endpoints: it runs after the implicit routing step and serves a file only
    /// when no endpoint claimed the path, so API routes and the hub always win.
    /// </summary>
    public static WebApplication MapWebClient(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            return app;
        var assets = app.Services.GetRequiredService<WebClientAssets>();
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (context.GetEndpoint() is not null || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                || !assets.TryGet(request.Path.Value ?? "/", out var asset))
                return next(context);
            return ServeAsync(context, asset);
        });
        return app;
    }

    private static async Task ServeAsync(HttpContext context, WebClientAsset asset)
    {
        var request = context.Request;
        var response = context.Response;
        var (body, encoding) = Negotiate(request.GetTypedHeaders(), asset);
        var etag = $"\"{asset.Hash}{(encoding is null ? "" : "-" + encoding)}\"";

        response.Headers.ContentType = asset.ContentType;
        response.Headers.ETag = etag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.XContentTypeOptions = "nosniff";
        var versioned = request.Query.TryGetValue("v", out var version) && version == asset.Hash;
        response.Headers.CacheControl = versioned && !asset.Revalidate ? Forever : "no-cache";
        if (encoding is not null)
            response.Headers.ContentEncoding = encoding;

        if (request.Headers.IfNoneMatch is var ifNoneMatch && !StringValues.IsNullOrEmpty(ifNoneMatch)
            && ifNoneMatch.ToString().Split(',').Any(tag => tag.Trim() == etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentLength = body.Length;
        if (HttpMethods.IsGet(request.Method))
            await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Brotli when the client takes it, else gzip, else the file as stored.</summary>
    private static (byte[] Body, string? Encoding) Negotiate(RequestHeaders headers, WebClientAsset asset)
    {
        var accepted = headers.AcceptEncoding
            .Where(value => value.Quality is null or > 0)
            .Select(value => value.Value.Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (asset.Brotli is not null && accepted.Contains("br"))
            return (asset.Brotli, "br");
        if (asset.Gzip is not null && accepted.Contains("gzip"))
            return (asset.Gzip, "gzip");
        return (asset.Identity, null);
    }
}
