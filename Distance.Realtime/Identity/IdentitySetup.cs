using Distance.Realtime.RateLimiting;

namespace Distance.Realtime.Identity;

internal static class IdentitySetup
{
    public static IServiceCollection AddIdentity(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddJwtAuthentication(environment);
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<SmsVerification>();
        services.AddSingleton<VerificationTokens>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<MemberSessions>();
        services.AddSingleton<AccountsLog>();
        services.AddSingleton<PasswordWork>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AccountsMetrics>();
        services.AddSingleton<SmsBudgetMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<SmsBudgetMonitor>());
        return services;
    }

    /// <summary>Phone verification and sessions: all anonymous (they are how a client gets a token).</summary>
    public static WebApplication MapIdentity(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Accounts").AllowAnonymous().AddEndpointFilter(NoStore);
        // Codes cost money and invite enumeration; passwords and tokens invite guessing: each
        // family gets its own per-IP limit on top of the global one.
        api.MapGroup("").RequireRateLimiting(RateLimitPolicies.Verification).MapSmsVerification();
        api.MapGroup("").RequireRateLimiting(RateLimitPolicies.Auth).MapAuth();
        return app;
    }

    /// <summary>
    /// Tokens (access, refresh, verification) must not stay in a browser's or a proxy's cache, nor
    /// anything else these routes answer: set before the handler, so every outcome carries it.
    /// </summary>
    internal static ValueTask<object?> NoStore(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return next(context);
    }
}
