using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Data.Push;
using Microsoft.Extensions.Options;

namespace Distance.Push.Delivery;

/// <summary>One FCM HTTP v1 send: <c>POST /v1/projects/{id}/messages:send</c> with a Bearer OAuth token.</summary>
public sealed class FcmSender(HttpClient http, FcmCredential credential, IOptions<FcmOptions> options, TimeProvider clock)
{
    public async Task<DeliveryResult> SendAsync(PushRecord record, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = await credential.AccessTokenAsync(cancellationToken);
        }
        catch (Google.Apis.Auth.OAuth2.Responses.TokenResponseException exception)
        {
            // Google's token endpoint refused or failed: retried like a 5xx, dead-lettered if it persists.
            return DeliveryResult.Retry("oauth_token", (int?)exception.StatusCode, exception.Error?.ErrorDescription ?? exception.Message, null);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/projects/{Uri.EscapeDataString(credential.ProjectId)}/messages:send")
        {
            Content = JsonContent.Create(FcmSendRequest.From(record, options.Value.TimeToLive)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return Classify(response.StatusCode, answer, DeliveryResult.RetryAfterOf(response.Headers.RetryAfter, clock.GetUtcNow()));
    }

    /// <summary>
    /// What an FCM answer means (firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode):
    /// UNREGISTERED (404) is a gone device; 429 QUOTA_EXCEEDED and 5xx UNAVAILABLE / INTERNAL are
    /// retried; any other error, or an answer that is not FCM's, fails for good.
    /// </summary>
    public static DeliveryResult Classify(HttpStatusCode status, string answer, TimeSpan? retryAfter)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return IsMessageName(answer) ? DeliveryResult.Delivered : DeliveryResult.Failed("unexpected_answer", code, answer);
        var errorCode = ErrorCodeOf(answer);
        if (errorCode == "UNREGISTERED" || (status == HttpStatusCode.NotFound && errorCode is "NOT_FOUND" or null))
            return DeliveryResult.Gone("unregistered", code, answer);
        if (code == 429 || code >= 500)
            return DeliveryResult.Retry(errorCode?.ToLowerInvariant() ?? "http_" + code, code, answer, retryAfter);
        return errorCode is null
            ? DeliveryResult.Failed("unexpected_answer", code, answer)
            : DeliveryResult.Failed(errorCode.ToLowerInvariant(), code, answer);
    }

    private static bool IsMessageName(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("name", out var name)
                   && name.GetString() is { } value && value.StartsWith("projects/", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The FcmError's errorCode from error.details, else the google.rpc status; null when the body is not an FCM error.</summary>
    private static string? ErrorCodeOf(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
                return null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                foreach (var detail in details.EnumerateArray())
                    if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("errorCode", out var errorCode) && errorCode.ValueKind == JsonValueKind.String)
                        return errorCode.GetString();
            return error.TryGetProperty("status", out var statusName) && statusName.ValueKind == JsonValueKind.String ? statusName.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
