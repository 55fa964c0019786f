using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.Phones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Notifications;

internal static class NotificationsSetup
{
    private const string RealSenderRequired =
        "is required outside Development: configure a real sender (Development alone falls back to the outbox at /dev/outbox).";

    /// <summary>
    /// Each channel uses its real sender when configured. Development falls back to the Redis
    /// outbox; anywhere else an unconfigured channel stops the boot.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IHostEnvironment environment)
    {
        var development = environment.IsDevelopment();
        services.AddOptions<SmsSenderOptions>().BindConfiguration(SmsSenderOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.EndpointIsValid, "Messaging:Sms:Endpoint must be an absolute http(s) URL.")
            .Validate(o => development || o.IsConfigured, "Messaging:Sms:Endpoint " + RealSenderRequired)
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.IsConfigured || System.Net.Mail.MailAddress.TryCreate(o.FromAddress, out _),
                "Messaging:Smtp:FromAddress must be an e-mail address when Messaging:Smtp:Host is set.")
            .Validate(o => development || o.IsConfigured, "Messaging:Smtp:Host " + RealSenderRequired)
            .ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpClient(HttpSmsSender.ClientName);
        services.AddSingleton<DevelopmentOutbox>();
        services.AddSingleton<HttpSmsSender>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddKeyedSingleton<IMessageSender>(Messenger.SmsChannel, (sp, _) =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmsSenderOptions>>().Value.IsConfigured
                ? sp.GetRequiredService<HttpSmsSender>()
                : FallBack(sp, development, "Messaging:Sms:Endpoint"));
        services.AddKeyedSingleton<IMessageSender>(Messenger.EmailChannel, (sp, _) =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmtpOptions>>().Value.IsConfigured
                ? sp.GetRequiredService<SmtpEmailSender>()
                : FallBack(sp, development, "Messaging:Smtp:Host"));
        services.AddSingleton<Messenger>();
        return services;
    }

    private static IMessageSender FallBack(IServiceProvider services, bool development, string setting) => development
        ? services.GetRequiredService<DevelopmentOutbox>()
        : throw new InvalidOperationException(setting + " " + RealSenderRequired);

    /// <summary>GET /dev/outbox exists in Development only; elsewhere the route is simply absent (404).</summary>
    public static WebApplication MapNotifications(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
            app.MapGroup("/dev").WithTags("Development").MapGet("/outbox", ReadOutbox);
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<OutboxEntry>>, ValidationProblem>> ReadOutbox(string? to, DevelopmentOutbox outbox)
    {
        if (string.IsNullOrWhiteSpace(to))
            return Problems.Validation("to", "Give the phone number or e-mail address to read.");
        var address = PhoneNumbers.TryNormalize(to, out var phone) ? phone : to.Trim().ToLowerInvariant();
        return TypedResults.Ok(await outbox.ReadAsync(address));
    }
}
