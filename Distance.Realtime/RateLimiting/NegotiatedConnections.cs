using System.Reflection;
using Microsoft.AspNetCore.Http.Connections;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Whether a hub request's <c>?id=</c> names a connection this node negotiated. Only such a
/// request (the WebSocket, SSE stream, long polls and sends of an established connection) is
/// exempt from the HTTP limiter; an id that was made up, or a negotiate request carrying one,
/// is counted like any other request.
/// </summary>
/// <remarks>
/// The connection table is SignalR's own (HttpConnectionManager, internal), so it is asked by
/// reflection: it is the only exact answer, and connection tokens are node-local anyway (a
/// transport request must reach the node that negotiated it). If a framework update moves the
/// method, nothing is exempt (fail closed: long polls are then counted) and a warning is logged
/// at start-up; the test "a negotiated connection's transport is not counted" fails first.
/// </remarks>
public sealed partial class NegotiatedConnections
{
    private const string ManagerType = "Microsoft.AspNetCore.Http.Connections.Internal.HttpConnectionManager";

    private readonly object? manager;
    private readonly MethodInfo? tryGet;

    public NegotiatedConnections(IServiceProvider services, ILogger<NegotiatedConnections> logger)
    {
        var type = typeof(HttpConnectionDispatcherOptions).Assembly.GetType(ManagerType);
        manager = type is null ? null : services.GetService(type);
        tryGet = type?.GetMethod("TryGetConnection", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (manager is null || tryGet is null)
            LogUnavailable(logger);
    }

    public bool Available => manager is not null && tryGet is not null;

    public bool Knows(string connectionToken)
    {
        if (!Available || string.IsNullOrEmpty(connectionToken))
            return false;
        object?[] arguments = [connectionToken, null];
        return (bool)tryGet!.Invoke(manager, arguments)!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SignalR's connection table cannot be read: every hub transport request is rate-limited")]
    private static partial void LogUnavailable(ILogger logger);
}
