using Distance.Data.Members;
using Distance.Realtime.Claims;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Safety;

/// <summary>
/// Safety and moderation (docs/safety.md): blocks, reports, suspension and the operators' API.
/// Below matching, rooms and chat: they call it (matching records whom it showed; rooms subscribe
/// to <see cref="SafetyEvents"/>), it never calls them. The meeting rules themselves are SQL in
/// Distance.Data/Safety/MeetingRules.cs, applied by matching and room creation alike.
/// </summary>
internal static class SafetySetup
{
    public static IServiceCollection AddSafety(this IServiceCollection services)
    {
        services.AddOptions<SafetyOptions>().BindConfiguration(SafetyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new SuspensionThreshold(sp.GetRequiredService<IOptions<SafetyOptions>>().Value.SuspensionThreshold));
        services.AddSingleton<SafetyEvents>();
        services.AddSingleton<ShownMembers>();
        services.AddSingleton<BlockService>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<ModerationService>();
        services.AddAuthorizationBuilder().AddPolicy(OperatorEndpoints.OperatorPolicy, policy =>
            policy.RequireAuthenticatedUser().RequireClaim(MemberClaims.RoleClaim, MemberClaims.OperatorRole));
        return services;
    }

    public static WebApplication MapSafety(this WebApplication app)
    {
        app.MapSafetyEndpoints();
        app.MapOperatorEndpoints();
        return app;
    }

    /// <summary>Now, to the millisecond that DATETIME(3) keeps, so a returned time equals the stored one.</summary>
    internal static DateTime Millis(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
