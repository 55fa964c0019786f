using Distance.Realtime.Auth;
using Distance.Realtime.Chat;
using Distance.Realtime.Infrastructure;
using Distance.Realtime.RateLimiting;
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

        services.AddSingleton<LiveConnections>();
        services.AddSingleton<MemberDisconnects>();
        services.AddHostedService(sp => sp.GetRequiredService<MemberDisconnects>());
        return services;
    }

    public static WebApplication MapDistanceRealtime(this WebApplication app)
    {
        var realtime = app.Services.GetRequiredService<IOptions<RealtimeOptions>>().Value;
        app.MapHub<ChatHub>("/hubs/chat", options =>
        {
            options.Transports = AuthSetup.HubTransports;
            options.AllowStatefulReconnects = true;
            options.TransportMaxBufferSize = realtime.TransportMaxBufferSize;
            options.ApplicationMaxBufferSize = realtime.MaximumReceiveMessageSize;
        }).RequireAuthorization();
        return app;
    }
}
