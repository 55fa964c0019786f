using Distance.Realtime.Errors;

namespace Distance.Realtime.Connections;

/// <summary>
/// Once the node is stopping, new hub connections are refused with 503 (Retry-After: 1). SignalR
/// closes every connection when stopping begins, and clients reconnect within milliseconds; without
/// this gate those reconnects land on this same node (Kestrel still accepts until its own stop),
/// hold it up until the shutdown timeout, and are cut again. Refused, they go to another node at once.
/// </summary>
internal static class ShutdownGate
{
    public static IApplicationBuilder UseHubShutdownGate(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            if (stopping.IsCancellationRequested && context.Request.Path.StartsWithSegments("/hubs"))
            {
                context.Response.Headers.RetryAfter = "1";
                await Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "This node is shutting down; connect again.")
                    .ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}
