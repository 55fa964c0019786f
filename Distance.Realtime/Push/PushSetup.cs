namespace Distance.Realtime.Push;

/// <summary>
/// Push on the nodes: registrations over HTTP and the outbox relay. The outbox rows themselves are
/// written by the repositories of what they announce (messages, rooms, requests, phone consent),
/// inside their transactions; delivery is the Distance.Push worker's (docs/push.md).
/// </summary>
internal static class PushSetup
{
    public static IServiceCollection AddPush(this IServiceCollection services)
    {
        services.AddOptions<PushOptions>()
            .BindConfiguration(PushOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PushRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<PushRelay>());
        return services;
    }

    public static WebApplication MapPush(this WebApplication app)
    {
        var me = app.MapGroup("/api/me/push").RequireAuthorization().WithTags("Push");
        me.MapPut("", PushEndpoints.PutAsync);
        me.MapDelete("", PushEndpoints.DeleteAsync);
        app.MapGet("/api/push/webpush-key", PushEndpoints.GetWebPushKey).WithTags("Push");
        return app;
    }
}
