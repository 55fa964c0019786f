using Microsoft.Net.Http.Headers;

namespace Distance.Realtime.WebClient;

/// <summary>
/// The reference web client in <c>wwwroot/</c>: one static page that speaks only the public
/// contract, for operators, testers and the mobile team to see Distance work. It is served in
/// Development only; elsewhere <c>/</c> stays 404 and the API is all a node exposes.
/// </summary>
internal static class WebClientSetup
{
    public static IServiceCollection AddWebClient(this IServiceCollection services)
    {
        services.Configure<StaticFileOptions>(options => options.OnPrepareResponse = context =>
            // Revalidate every time (ETag): a rebuilt page or module is picked up on reload
            // instead of mixing stale and fresh modules from the browser's heuristic cache.
            context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache");
        return services;
    }

    /// <summary>
    /// Static files are middleware, not endpoints: the implicit routing step runs first, so API
    /// routes and the hub win and only paths no endpoint claims can reach a file.
    /// </summary>
    public static WebApplication MapWebClient(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            return app;
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
