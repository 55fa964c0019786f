using System.Threading.Channels;
using Distance.Realtime.Errors;
using Microsoft.AspNetCore.SignalR;
using MySqlConnector;
using Polly;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>
/// Around every ChatHub method: fails fast with "unavailable" while Redis is disconnected (instead
/// of letting calls queue in the Redis client's backlog) and maps a failing dependency to
/// "unavailable" (only contract codes reach clients). The call's duration and outcome are recorded
/// by the outer, global HubRateLimitFilter.
/// </summary>
internal sealed partial class ChatHubFilter(IConnectionMultiplexer redis, ILogger<ChatHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            if (!redis.IsConnected)
                throw new HubException(ErrorCodes.Unavailable);
            return await next(context);
        }
        catch (Exception exception) when (exception is not HubException && IsDependencyDown(exception))
        {
            LogUnavailable(exception, context.HubMethodName);
            throw new HubException(ErrorCodes.Unavailable);
        }
        catch (Exception exception) when (exception is not HubException)
        {
            // SignalR's own log of failed invocations is turned off (appsettings.json): it would
            // report every expected HubException as an error. Unexpected failures are logged here.
            LogFailed(exception, context.HubMethodName);
            throw;
        }
    }

    private static bool IsDependencyDown(Exception exception) => exception is
        ChatUnavailableException or RedisException or MySqlException or TimeoutException
        or ExecutionRejectedException or ChannelClosedException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private partial void LogFailed(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub method {Method} answered \"unavailable\"")]
    private partial void LogUnavailable(Exception exception, string method);
}
