using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

internal static class ChatSetup
{
    /// <summary>The chat hub's services; the hub itself is mapped at /hubs/chat by MapDistanceRealtime.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>()
            .BindConfiguration(ChatOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.PresenceRefreshInterval < o.PresenceTtl, "Chat:PresenceRefreshInterval must be shorter than Chat:PresenceTtl.")
            .ValidateOnStart();

        services.AddSingleton<RoomDirectory>();
        services.AddSingleton<WritePipeline>();
        services.AddSingleton<MessageFanout>();
        services.AddSingleton<ChatCommands>();
        services.AddSingleton<ChatConnections>();
        services.AddHostedSingleton<MessageWriter>();
        services.AddHostedSingleton<Presence>();
        services.AddHostedSingleton<PushOutbox>();
        services.AddHostedSingleton<RoomSignals>();

        services.AddSingleton<ChatHubFilter>();
        services.AddSignalR().AddHubOptions<ChatHub>(hub => hub.AddFilter<ChatHubFilter>());
        return services;
    }

    private static void AddHostedSingleton<T>(this IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }
}
