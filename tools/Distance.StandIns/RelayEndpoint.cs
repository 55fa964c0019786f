using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Distance.StandIns;

/// <summary>
/// The generic HTTP relay Distance also speaks (an in-house gateway in front of a provider):
/// <c>POST /relay/send</c> with <c>Authorization: Bearer {key}</c> and <c>{"to","text"}</c>;
/// 202 on acceptance, ProblemDetails-like <c>{"error"}</c> otherwise.
/// </summary>
public sealed class RelayEndpoint(IOptions<StandInOptions> options, ReceivedMessages received)
{
    public const string Provider = "relay";

    public async Task<IResult> SendAsync(HttpRequest request)
    {
        received.CountAttempt(Provider);
        if (received.TakeFault(Provider) is { } status)
            return Results.Json(new { error = "planned fault" }, statusCode: status);
        var expected = "Bearer " + options.Value.Relay.ApiKey;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString()), Encoding.UTF8.GetBytes(expected)))
            return Results.Json(new { error = "invalid key" }, statusCode: 401);
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Results.Json(new { error = "JSON expected" }, statusCode: 415);
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(text.GetString()) || to.GetString()!.Length == 0)
                return Results.Json(new { error = "to and text are required" }, statusCode: 400);
            received.Add(Provider, to.GetString()!, "", text.GetString()!);
            return Results.Json(new { accepted = true }, statusCode: 202);
        }
        catch (JsonException)
        {
            return Results.Json(new { error = "invalid JSON" }, statusCode: 400);
        }
    }
}
