using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Distance.Realtime.Hosting;

/// <summary>
/// Applies <c>Kestrel:Limits</c> (appsettings.json, sized for the API; docs/configuration.md).
/// The host binds only Kestrel's endpoints and certificates from that section, not its limits:
/// without this the shipped limits were never applied (a 65 KB body was read whole), which
/// KestrelLimitsTests now shows. Kestrel checks each value itself and refuses a bad one at start.
/// </summary>
internal static class KestrelLimits
{
    public const string Section = "Kestrel:Limits";

    public static IServiceCollection AddKestrelLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KestrelServerOptions>(kestrel => configuration.GetSection(Section).Bind(kestrel.Limits));
        return services;
    }
}
