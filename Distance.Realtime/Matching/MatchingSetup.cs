using Distance.Data.Locations;
using Distance.Realtime.RateLimiting;

namespace Distance.Realtime.Matching;

internal static class MatchingSetup
{
    public static IServiceCollection AddMatching(this IServiceCollection services)
    {
        services.AddOptions<MatchingOptions>()
            .BindConfiguration(MatchingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<LocationWriter>();
        services.AddSingleton<CellIndex>();
        // NearbyRepository draws from the index when one is registered (and it answers).
        services.AddSingleton<ICellIndex>(sp => sp.GetRequiredService<CellIndex>());
        services.AddHostedService<CellIndexBuilder>();
        return services;
    }

    public static WebApplication MapMatching(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Matching");
        api.MapPut("/me/location", MatchingEndpoints.PutLocationAsync);
        api.MapGet("/matches", MatchingEndpoints.GetMatchesAsync).RequireRateLimiting(RateLimitPolicies.Matching);
        return app;
    }
}
