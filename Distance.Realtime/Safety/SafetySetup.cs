namespace Distance.Realtime.Safety;

/// <summary>Members protecting each other: reports (and the deactivation they lead to).</summary>
internal static class SafetySetup
{
    public static IServiceCollection AddSafety(this IServiceCollection services)
    {
        services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReportsLog>();
        return services;
    }

    public static WebApplication MapSafety(this WebApplication app)
    {
        app.MapReportEndpoints();
        return app;
    }
}
