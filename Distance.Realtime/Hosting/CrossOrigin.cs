using Microsoft.Extensions.Options;

namespace Distance.Realtime.Hosting;

/// <summary>
/// Which web origins may call the API and the hub from a browser (section "Cors"). Empty (the
/// default) means none: the reference client is served by the nodes themselves (same origin), and
/// the mobile apps are not browsers. An operator who hosts a web client elsewhere names its origin.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Cors";

    /// <summary>Origins exactly as a browser sends them: scheme, host and port, no path, e.g. https://app.example.com.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>An origin is scheme://host[:port] with http or https and nothing else (no "*", path, query or credentials).</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), value, StringComparison.OrdinalIgnoreCase)
        && uri.UserInfo.Length == 0;
}

internal static class CrossOrigin
{
    /// <summary>Binds and validates <see cref="CrossOriginOptions"/> and builds the one CORS policy from them.</summary>
    public static IServiceCollection AddCrossOrigin(this IServiceCollection services)
    {
        services.AddOptions<CrossOriginOptions>()
            .BindConfiguration(CrossOriginOptions.Section)
            // Compose passes an unset origin as an empty element: that is "none", not a bad value.
            .PostConfigure(o => o.AllowedOrigins = o.AllowedOrigins.Select(v => v.Trim()).Where(v => v.Length > 0).ToArray())
            .Validate(o => o.AllowedOrigins.All(CrossOriginOptions.IsOrigin),
                "Cors:AllowedOrigins must be origins like https://app.example.com (http or https, no path, no wildcard).")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CrossOriginOptions>>((cors, allowed) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(allowed.Value.AllowedOrigins)
                .AllowAnyHeader()
                .AllowAnyMethod()
                // SignalR's browser client sends credentials on negotiate (sticky-session cookies),
                // and a browser drops a credentialed answer without this header.
                .AllowCredentials()
                // A browser hides every other header from scripts: clients need Retry-After on a 429.
                .WithExposedHeaders("Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>
    /// Before authentication and rate limiting: a preflight carries no token and must not spend
    /// the caller's requests; it is answered here, with the headers only for an allowed origin.
    /// </summary>
    public static WebApplication UseCrossOrigin(this WebApplication app)
    {
        app.UseCors();
        return app;
    }
}
