using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.RateLimiting;

internal static class RateLimitingSetup
{
    /// <summary>
    /// The global per-member / per-IP limit, the named policies of <see cref="RateLimitPolicies"/>,
    /// the hub filter's limiter, and the trusted-proxy rules that decide what "client IP" means.
    /// </summary>
    public static IServiceCollection AddRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NetworkOptions>().BindConfiguration(NetworkOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<RedisLimiterGuard>();
        services.AddSingleton<RateLimitPartitions>();
        services.AddSingleton<NegotiatedConnections>();
        services.AddSingleton<HubRateLimiter>();
        services.AddSingleton<HubRateLimitFilter>();
        services.AddHostedService<RateLimitMetricsWarmUp>();

        // A singleton, so the host disposes it (and its idle-partition timer) on shutdown.
        services.AddSingleton(sp => PartitionedRateLimiter.Create<HttpContext, string>(sp.GetRequiredService<RateLimitPartitions>().Global));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RateLimitPartitions, PartitionedRateLimiter<HttpContext>>((limiter, partitions, global) =>
        {
            limiter.GlobalLimiter = global;
            foreach (var policy in RateLimitPolicies.All)
                limiter.AddPolicy(policy, context => partitions.Policy(policy, context));
            limiter.OnRejected = RateLimitRejections.WriteAsync;
        });

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<NetworkOptions>>((forwarded, network) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = network.Value.ForwardLimit;
            // The framework trusts loopback by default; we trust exactly what is configured.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in network.Value.KnownProxies)
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var cidr in network.Value.KnownNetworks)
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(cidr));
        });
        return services;
    }

    /// <summary>
    /// After authentication (buckets are per member) and routing (policies are per endpoint). The
    /// forwarded-headers step comes first so the limiter and every endpoint after it see the real
    /// client address; nothing before this point uses it.
    /// </summary>
    public static IApplicationBuilder UseRateLimiting(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();
        app.UseRateLimiter();
        return app;
    }
}
