using System.Threading.Channels;
using Distance.Realtime.Errors;
using Distance.Realtime.Redis;
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
            if (!redis.CanWrite())
                throw new HubException(ErrorCodes.Unavailable);
            return await next(context);
        }
        catch (ChatUnavailableException exception)
        {
            // The writer and its circuit breaker already log the cause once per batch and per
            // transition; a warning with a stack trace per refused call would flood the log
            // during an outage (thousands a minute in the MariaDB drill).
            LogRefused(exception.Message, context.HubMethodName);
            throw new HubException(ErrorCodes.Unavailable);
        }
        catch (Exception exception) when (exception is not HubException && IsDependencyDown(exception))
        {
            LogUnavailable(exception, context.HubMethodName);
            throw new HubException(ErrorCodes.Unavailable);
        }
        catch (OperationCanceledException) when (context.Context.ConnectionAborted.IsCancellationRequested)
        {
            // The caller's connection is gone (it closed, or the node is stopping): nobody awaits
            // an answer, and nothing failed.
            throw;
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
        RedisException or MySqlException or TimeoutException
        or ExecutionRejectedException or ChannelClosedException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private partial void LogFailed(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub method {Method} answered \"unavailable\": {Reason}")]
    private partial void LogRefused(string reason, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub method {Method} answered \"unavailable\"")]
    private partial void LogUnavailable(Exception exception, string method);
}
