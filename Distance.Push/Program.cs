namespace Distance.Push;

/// <summary>
/// The push worker: reads distance:push in a consumer group and delivers through FCM and Web Push.
/// Run as many as needed (docs/push.md); each serves /metrics and /health/* on its own port.
/// Not top-level statements: the tests reference this assembly beside the node's, whose Program is global.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (ReadinessProbe.IsRequested(args))
            return await ReadinessProbe.RunAsync();

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddPushWorker();

        var app = builder.Build();
        app.MapPushWorker();
        await app.RunAsync();
        return 0;
    }
}
