using Distance.Realtime.Observability;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

[assembly: HostingStartup(typeof(Distance.Tests.RateLimiting.ProbeHost))]

namespace Distance.Tests.RateLimiting;

/// <summary>
/// Test-only endpoints on a real node: a hub whose methods go through the real hub pipeline (and so
/// through every hub filter), and an HTTP route guarded by a named policy. Nodes get them only
/// when their settings name this assembly under <see cref="Setting"/>; production never does.
/// </summary>
public sealed class ProbeHost : IHostingStartup
{
    public const string Setting = "hostingStartupAssemblies";
    public const string HubPath = "/hubs/probe";
    public const string AuthPolicyPath = "/probe/auth";

    /// <summary>Records one nearby-members query duration, standing in for the matching feature of another branch.</summary>
    public const string MatchingSamplePath = "/probe/matching-sample";

    /// <summary>Runs a full blocking collection on the node, so its GC pause histogram has a sample.</summary>
    public const string CollectGarbagePath = "/probe/gc";

    public static readonly KeyValuePair<string, string?> Enable = new(Setting, typeof(ProbeHost).Assembly.GetName().Name);

    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, ProbeEndpoints>());

    private sealed class ProbeEndpoints : IStartupFilter
    {
        /// <summary>
        /// The probe paths get a branch of their own with the host's middleware order (routing,
        /// authentication, authorization, rate limiting), since a startup filter cannot add
        /// endpoints to the application's own route table.
        /// </summary>
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.MapWhen(IsProbe, branch =>
            {
                branch.UseRouting();
                branch.UseAuthentication();
                branch.UseAuthorization();
                branch.UseRateLimiting();
                branch.UseEndpoints(endpoints =>
                {
                    endpoints.MapHub<ProbeHub>(HubPath).RequireAuthorization();
                    endpoints.MapPost(AuthPolicyPath, () => TypedResults.NoContent()).RequireRateLimiting(RateLimitPolicies.Auth);
                    endpoints.MapPost(MatchingSamplePath, (DistanceMetrics metrics) =>
                    {
                        metrics.MatchingQueryDuration.Record(0.004);
                        return TypedResults.NoContent();
                    });
                    endpoints.MapPost(CollectGarbagePath, () =>
                    {
                        GC.Collect();
                        return TypedResults.NoContent();
                    });
                });
            });
            next(app);
        };

        private static bool IsProbe(HttpContext context) =>
            context.Request.Path.StartsWithSegments(HubPath) || context.Request.Path.StartsWithSegments("/probe");
    }
}

/// <summary>A hub standing in for ChatHub's methods, which other branches add.</summary>
public sealed class ProbeHub : Hub
{
    public string Echo(string text) => text;

    public string SendMessage(string text) => text;
}
