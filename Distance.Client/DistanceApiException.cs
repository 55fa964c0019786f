using System.Net;
using System.Text.Json;

namespace Distance.Client;

/// <summary>
/// An error answer of the REST API: its status, the ProblemDetails <c>code</c> clients switch on,
/// the field errors of a 400 <c>validation_failed</c>, and Retry-After where the server sent one.
/// </summary>
public sealed class DistanceApiException(
    HttpStatusCode status, string? code, string? title, IReadOnlyDictionary<string, string[]> errors, TimeSpan? retryAfter)
    : Exception($"{(int)status} {code ?? "(no code)"}: {title}")
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public HttpStatusCode Status { get; } = status;

    /// <summary>The stable snake_case code, e.g. "room_limit_reached"; null when the body was not a ProblemDetails.</summary>
    public string? Code { get; } = code;

    public string? Title { get; } = title;

    /// <summary>Field name → messages, for <c>validation_failed</c>; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>How long to wait before trying again (every 429 carries it; some 503s do).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Reads the error out of a response that was not a success.</summary>
    public static async Task<DistanceApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null, title = null;
        var errors = NoErrors;
        var media = response.Content.Headers.ContentType?.MediaType;
        if (media is not null && media.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var body = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
                var root = body.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                        errors = e.Deserialize<Dictionary<string, string[]>>() ?? NoErrors;
                }
            }
            catch (JsonException)
            {
                // Not a ProblemDetails after all (a proxy's page, say): status alone then.
            }
        }
        return new DistanceApiException(response.StatusCode, code, title, errors, RetryAfterOf(response));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };
}
