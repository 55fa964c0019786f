using Distance.Realtime.Safety;

namespace Distance.Realtime.Rooms;

internal static class RoomsSetup
{
    public static IServiceCollection AddRooms(this IServiceCollection services)
    {
        services.AddOptions<RoomsOptions>().BindConfiguration(RoomsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RoomViews>();
        services.AddSingleton<RoomService>();
        services.AddSingleton<RoomCleanup>();
        services.AddHostedService<ActiveRoomsReporter>();
        return services;
    }

    public static WebApplication MapRooms(this WebApplication app)
    {
        // What blocks, reports and suspensions do to rooms is announced by the rooms feature.
        var rooms = app.Services.GetRequiredService<RoomService>();
        var safety = app.Services.GetRequiredService<SafetyEvents>();
        safety.OnRoomsLeft(rooms.OnRoomsLeftAsync);
        safety.OnRoomsSuspended(rooms.OnRoomsSuspendedAsync);
        app.MapRoomEndpoints();
        app.MapRequestEndpoints();
        return app;
    }
}
