namespace Distance.Realtime.Rooms;

internal static class RoomsSetup
{
    public static IServiceCollection AddRooms(this IServiceCollection services)
    {
        services.AddSingleton<RoomViews>();
        services.AddSingleton<RoomService>();
        services.AddSingleton<RoomCleanup>();
        services.AddHostedService<ActiveRoomsReporter>();
        return services;
    }

    public static WebApplication MapRooms(this WebApplication app)
    {
        app.MapRoomEndpoints();
        app.MapRequestEndpoints();
        return app;
    }
}
