using Distance.Realtime.Auth;
using Distance.Realtime.Chat;
using Distance.Realtime.Infrastructure;
using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Realtime;

internal static class RealtimeSetup
{
    public static IServiceCollection AddDistanceRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var realtime = configuration.GetSection(RealtimeOptions.Section).Get<RealtimeOptions>() ?? new RealtimeOptions();

        services.AddSignalR(hub =>
            {
                hub.MaximumReceiveMessageSize = realtime.MaximumReceiveMessageSize;
                hub.StatefulReconnectBufferSize = realtime.StatefulReconnectBufferSize;
                hub.EnableDetailedErrors = false;
                hub.AddFilter<HubRateLimitFilter>();
                hub.AddFilter<ConnectionQuota>();
            })
            .AddJsonProtocol()
            .AddMessagePackProtocol()
            .AddStackExchangeRedis(redis =>
            {
                // The backplane shares the multiplexer's settings and the deployment's prefix.
                var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
                redis.Configuration = RedisServiceCollectionExtensions.Configure(options);
                redis.Configuration.ChannelPrefix = RedisChannel.Literal(options.KeyPrefix + "signalr:");
            });

        // Registered after the framework's protocols: the resolver keeps the last one of each name.
        services.AddSingleton<IHubProtocol>(sp => new ContractErrorProtocol(ActivatorUtilities.CreateInstance<JsonHubProtocol>(sp)));
        services.AddSingleton<IHubProtocol>(sp => new ContractErrorProtocol(ActivatorUtilities.CreateInstance<MessagePackHubProtocol>(sp)));

        services.AddSingleton<LiveConnections>();
        services.AddSingleton<MemberDisconnects>();
        services.AddSingleton<ConnectionQuota>();
        services.AddHostedService(sp => sp.GetRequiredService<MemberDisconnects>());
        return services;
    }

    /// <summary>Middleware of the realtime feature; before authentication, so a stopping node refuses hub connections cheaply.</summary>
    public static WebApplication UseDistanceRealtime(this WebApplication app)
    {
        app.UseHubShutdownGate();
        return app;
    }

    public static WebApplication MapDistanceRealtime(this WebApplication app)
    {
        var realtime = app.Services.GetRequiredService<IOptions<RealtimeOptions>>().Value;
        app.MapHub<ChatHub>("/hubs/chat", options =>
        {
            options.Transports = AuthSetup.HubTransports;
            options.AllowStatefulReconnects = true;
            // A connection lives no longer than the access token it connected with: a revoked or
            // stolen token stops at its expiry even on a socket opened before; the client refreshes,
            // reconnects and calls SyncRoom.
            options.CloseOnAuthenticationExpiration = true;
            options.TransportMaxBufferSize = realtime.TransportMaxBufferSize;
            options.TransportSendTimeout = realtime.TransportSendTimeout;
            options.ApplicationMaxBufferSize = realtime.MaximumReceiveMessageSize;
        }).RequireAuthorization();
        return app;
    }
}
