using System.Diagnostics;
using System.Threading.Channels;
using Distance.Realtime.Errors;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.SignalR;
using MySqlConnector;
using Polly;
using StackExchange.Redis;

namespace Distance.Realtime.Chat;

/// <summary>
/// Around every ChatHub method: fails fast with "unavailable" while Redis is disconnected (instead
/// of letting calls queue in the Redis client's backlog), maps a failing dependency to
/// "unavailable" (only contract codes reach clients), and records the call's duration.
/// </summary>
internal sealed partial class ChatHubFilter(DistanceMetrics metrics, IConnectionMultiplexer redis, ILogger<ChatHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            if (!redis.IsConnected)
                throw new HubException(ErrorCodes.Unavailable);
            return await next(context);
        }
        catch (HubException exception)
        {
            outcome = exception.Message;
            throw;
        }
        catch (Exception exception) when (IsDependencyDown(exception))
        {
            outcome = ErrorCodes.Unavailable;
            LogUnavailable(exception, context.HubMethodName);
            throw new HubException(ErrorCodes.Unavailable);
        }
        catch (Exception exception)
        {
            // SignalR's own log of failed invocations is turned off (appsettings.json): it would
            // report every expected HubException as an error. Unexpected failures are logged here.
            outcome = "error";
            LogFailed(exception, context.HubMethodName);
            throw;
        }
        finally
        {
            metrics.HubInvocationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("method", context.HubMethodName),
                new KeyValuePair<string, object?>("outcome", outcome));
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
