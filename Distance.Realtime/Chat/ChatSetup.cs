using Distance.Realtime.Connections;
using Distance.Realtime.Observability;
using Distance.Realtime.Push;
using Distance.Realtime.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Chat;

internal static class ChatSetup
{
    /// <summary>The chat hub's services, and the live side of room changes (<see cref="IRoomEvents"/>).</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>()
            .BindConfiguration(ChatOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.PresenceRefreshInterval < o.PresenceTtl, "Chat:PresenceRefreshInterval must be shorter than Chat:PresenceTtl.")
            .ValidateOnStart();

        services.AddSingleton<RoomDirectory>();
        services.AddSingleton<IRoomEvents, ChatRoomEvents>();
        services.AddSingleton<WritePipeline>();
        services.AddSingleton<MessageFanout>();
        services.AddSingleton<ChatCommands>();
        services.AddSingleton<ChatConnections>();
        services.AddHostedSingleton<MessageWriter>();
        services.AddHostedSingleton<Presence>();
        services.AddSingleton<IOnlineMembers>(sp => sp.GetRequiredService<Presence>());
        services.AddHostedSingleton<RoomSignals>();
        services.AddHostedSingleton<ConnectingRooms>();
        services.AddSingleton<IWarmUpStep, ChatWarmUp>();
        services.AddSingleton<IWarmUpStep, ChatHubWarmUp>();
        services.AddSingleton<IWarmUpStep, ChatSocketWarmUp>();

        services.AddSingleton<ChatHubFilter>();
        services.AddSignalR().AddHubOptions<ChatHub>(hub => hub.AddFilter<ChatHubFilter>());
        return services;
    }

    /// <summary>The hub at /hubs/chat and a room's messages over HTTP.</summary>
    public static WebApplication MapChat(this WebApplication app)
    {
        app.MapMemberHub<ChatHub>("/hubs/chat");
        app.MapMessageEndpoints();
        return app;
    }

    private static void AddHostedSingleton<T>(this IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }
}
