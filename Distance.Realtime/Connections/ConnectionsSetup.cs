using Distance.Realtime.RateLimiting;
using Distance.Realtime.Redis;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Connections;

internal static class ConnectionsSetup
{
    /// <summary>SignalR itself: protocols, the Redis backplane, limits, and the connections this node holds.</summary>
    public static IServiceCollection AddConnections(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var realtime = configuration.GetSection(RealtimeOptions.Section).Get<RealtimeOptions>() ?? new RealtimeOptions();

        var signalR = services.AddSignalR(hub =>
            {
                hub.MaximumReceiveMessageSize = realtime.MaximumReceiveMessageSize;
                hub.StatefulReconnectBufferSize = realtime.StatefulReconnectBufferSize;
                hub.EnableDetailedErrors = false;
                hub.AddFilter<HubRateLimitFilter>();
                hub.AddFilter<ConnectionQuota>();
            })
            .AddJsonProtocol()
            .AddMessagePackProtocol();
        if (realtime.Backplane == RealtimeBackplane.SignalR)
        {
            AddSignalRBackplane(signalR, services, configuration);
        }
        else
        {
            services.AddSingleton<ClusterBus>();
            services.AddSingleton(typeof(HubLifetimeManager<>), typeof(ClusterBusLifetimeManager<>));
        }

        // Registered after the framework's protocols: the resolver keeps the last one of each name.
        services.AddSingleton<IHubProtocol>(sp => new ContractErrorProtocol(ActivatorUtilities.CreateInstance<JsonHubProtocol>(sp)));
        services.AddSingleton<IHubProtocol>(sp => new ContractErrorProtocol(ActivatorUtilities.CreateInstance<MessagePackHubProtocol>(sp)));

        services.AddSingleton<LiveConnections>();
        services.AddSingleton<MemberDisconnects>();
        services.AddSingleton<ConnectionQuota>();
        services.AddHostedService(sp => sp.GetRequiredService<MemberDisconnects>());
        return services;
    }

    private static void AddSignalRBackplane(ISignalRServerBuilder signalR, IServiceCollection services, IConfiguration configuration)
    {
        signalR.AddStackExchangeRedis(redis =>
        {
            // The backplane shares the multiplexer's settings and the deployment's prefix.
            var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
            redis.Configuration = RedisSetup.Configure(options);
            redis.Configuration.ChannelPrefix = RedisChannel.Literal(options.KeyPrefix + "signalr:");
        });
        // The backplane's own multiplexer follows a Sentinel promotion like the node's (SentinelFollower).
        services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
            .PostConfigure<SentinelFollower>((backplane, follower) => backplane.ConnectionFactory = async log =>
                follower.Follow(await ConnectionMultiplexer.ConnectAsync(backplane.Configuration, log), "backplane"));
    }

    /// <summary>Middleware of hub connections; before authentication, so a stopping node refuses hub connections cheaply.</summary>
    public static WebApplication UseConnections(this WebApplication app)
    {
        app.UseHubShutdownGate();
        return app;
    }

    /// <summary>Transports the contract allows for a hub: WebSockets first, SSE and long polling as fallbacks.</summary>
    public const HttpTransportType HubTransports =
        HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;

    /// <summary>Maps a hub with the contract's transports and this node's buffer limits, for signed-in members only.</summary>
    public static HubEndpointConventionBuilder MapMemberHub<THub>(this IEndpointRouteBuilder app, string pattern) where THub : Hub
    {
        var realtime = app.ServiceProvider.GetRequiredService<IOptions<RealtimeOptions>>().Value;
        return app.MapHub<THub>(pattern, options =>
        {
            options.Transports = HubTransports;
            options.AllowStatefulReconnects = true;
            // A connection lives no longer than the access token it connected with: a revoked or
            // stolen token stops at its expiry even on a socket opened before; the client refreshes,
            // reconnects and calls SyncRoom.
            options.CloseOnAuthenticationExpiration = true;
            options.TransportMaxBufferSize = realtime.TransportMaxBufferSize;
            options.TransportSendTimeout = realtime.TransportSendTimeout;
            options.ApplicationMaxBufferSize = realtime.MaximumReceiveMessageSize;
        }).RequireAuthorization();
    }
}
