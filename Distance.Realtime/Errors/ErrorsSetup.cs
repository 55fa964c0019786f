using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Realtime.Errors;

internal static class ErrorsSetup
{
    /// <summary>
    /// Every error leaves as RFC 9457 ProblemDetails with a <c>code</c>: expected failures are
    /// returned on purpose by handlers; this maps the framework's own (bad JSON, 404, 405, a
    /// dependency that is down) and gives unexpected ones a 500 without internals.
    /// </summary>
    public static IServiceCollection AddErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var extensions = context.ProblemDetails.Extensions;
            if (!extensions.ContainsKey("code"))
                extensions["code"] = CodeFor(context.ProblemDetails.Status ?? 500, context.Exception);
            // The 32-hex W3C trace id, the same one the log lines (TraceId) and exported spans carry,
            // so a client's error report leads to its logs; the request id when no trace is running.
            extensions["traceId"] = System.Diagnostics.Activity.Current is { } activity
                ? activity.TraceId.ToHexString()
                : context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<DependencyDownHandler>();
        services.Configure<JsonOptions>(options =>
        {
            // Unknown JSON members are a client bug worth reporting, not something to ignore.
            options.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractJsonContext.Default);
        });
        return services;
    }

    public static WebApplication UseErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static string CodeFor(int status, Exception? exception) => status switch
    {
        400 => ErrorCodes.ValidationFailed,
        401 => ErrorCodes.TokenInvalid,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        413 => ErrorCodes.ValidationFailed,
        415 => ErrorCodes.UnsupportedMediaType,
        429 => ErrorCodes.RateLimited,
        503 => ErrorCodes.Unavailable,
        _ => exception is null && status < 500 ? ErrorCodes.ValidationFailed : ErrorCodes.InternalError,
    };

    /// <summary>A request whose Redis or MariaDB is down gets a quick 503, not a 500.</summary>
    private sealed class DependencyDownHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            int status;
            if (exception is BadHttpRequestException bad)
                status = bad.StatusCode;
            else if (IsDependencyDown(exception))
                status = StatusCodes.Status503ServiceUnavailable;
            else
                return false;

            httpContext.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
                httpContext.Response.Headers.RetryAfter = "5";
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails =
                {
                    Status = status,
                    Title = status == 503 ? "A dependency is unavailable; retry later." : "The request is invalid.",
                },
            });
        }

        private static bool IsDependencyDown(Exception exception) => exception switch
        {
            RedisConnectionException or RedisTimeoutException => true,
            MySqlException { IsTransient: true } => true,
            MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } => true,
            TimeoutException => true,
            _ when exception.InnerException is { } inner => IsDependencyDown(inner),
            _ => false,
        };
    }
}
