using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Distance.Push.StandIns;

/// <summary>A message FCM accepted: the device token and the whole <c>message</c> object.</summary>
public sealed record FcmDelivery(string Token, JsonElement Message);

/// <summary>A valid send as it arrived: the device token, and the access token that authorized it (which names the sender process).</summary>
public sealed record FcmRequest(string Token, string AccessToken);

/// <summary>
/// FCM HTTP v1 and Google's OAuth token endpoint, as documented: the token endpoint takes a
/// jwt-bearer grant whose assertion is signed (RS256) by the service account's key, issued by its
/// client_email, for the firebase.messaging scope, with Google's token URL as audience; messages:send
/// takes that access token as Bearer, on this project's path, with a v1 message body (one target,
/// string-only data, known fields only). Anything else is refused the way FCM would and noted in
/// <see cref="Rejections"/>.
/// </summary>
public sealed partial class FcmStandIn
{
    public const string ProjectId = "distance-standin";
    private const string ClientEmail = "push-worker@distance-standin.iam.gserviceaccount.com";
    private static readonly HashSet<string> MessageFields = ["name", "data", "notification", "android", "webpush", "apns", "fcm_options", "token", "topic", "condition"];

    private readonly RSA key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, DateTimeOffset> accessTokens = new();
    private long sent;

    public AnswerScript Answers { get; } = new();
    public ConcurrentQueue<FcmDelivery> Deliveries { get; } = new();

    /// <summary>Every valid send as it arrives, before <see cref="ResponseDelay"/>: what a sender has in flight.</summary>
    public ConcurrentQueue<FcmRequest> Requests { get; } = new();
    public ConcurrentQueue<string> Rejections { get; } = new();
    public int TokensIssued => accessTokens.Count;

    /// <summary>
    /// The access tokens issued so far. Each worker process fetches its own, so a send's access token
    /// tells which process sent it, even when the stand-in reads it after that process died.
    /// </summary>
    public IReadOnlySet<string> AccessTokens => accessTokens.Keys.ToHashSet();

    /// <summary>How long each send takes to answer (to catch a worker mid-batch).</summary>
    public TimeSpan ResponseDelay { get; set; }

    internal Uri BaseAddress { get; set; } = new("http://127.0.0.1/");

    /// <summary>A service-account JSON whose token_uri points here (the private key is the stand-in's own).</summary>
    public string ServiceAccountJson() => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = "standin-key",
        ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["client_id"] = "1",
        ["token_uri"] = new Uri(BaseAddress, "token").ToString(),
    });

    public IReadOnlyList<FcmDelivery> DeliveriesTo(string token) => Deliveries.Where(d => d.Token == token).ToList();

    public static StandInAnswer Unregistered() => Error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.");
    public static StandInAnswer Unavailable(int? retryAfterSeconds = null) => Error(503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.") with { RetryAfterSeconds = retryAfterSeconds };
    public static StandInAnswer QuotaExceeded(int retryAfterSeconds) => Error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded.") with { RetryAfterSeconds = retryAfterSeconds };
    public static StandInAnswer InvalidArgument() => Error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token");

    private static StandInAnswer Error(int status, string statusName, string errorCode, string message) => new(status, JsonSerializer.Serialize(new
    {
        error = new
        {
            code = status,
            message,
            status = statusName,
            details = new object[] { new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = errorCode } },
        },
    }));

    internal void Map(WebApplication app)
    {
        app.MapPost("/token", IssueTokenAsync);
        app.MapPost("/v1/projects/{project}/messages:send", SendAsync);
    }

    private async Task IssueTokenAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        string? problem = null;
        if (form is null)
            problem = "token request is not form-encoded";
        else if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
            problem = "grant_type is not jwt-bearer";
        else if (!Jwt.TryRead(form["assertion"].ToString(), out var header, out var claims, out var signed, out var signature))
            problem = "assertion is not a JWT";
        else if (Jwt.Text(header, "alg") != "RS256" || !Jwt.VerifyRs256(key, signed, signature))
            problem = "assertion is not signed RS256 by the service account's key";
        else if (Jwt.Text(claims, "iss") != ClientEmail)
            problem = "assertion iss is not the service account";
        else if (Jwt.Text(claims, "aud") != "https://oauth2.googleapis.com/token")
            problem = "assertion aud is not https://oauth2.googleapis.com/token (Google requires it whatever the token_uri)";
        else if (!(Jwt.Text(claims, "scope") ?? "").Split(' ').Contains("https://www.googleapis.com/auth/firebase.messaging"))
            problem = "assertion lacks the firebase.messaging scope";
        else if (Jwt.Number(claims, "exp") is not { } exp || Jwt.Number(claims, "iat") is not { } iat || exp <= iat || exp - iat > 3600
                 || DateTimeOffset.FromUnixTimeSeconds(exp) < DateTimeOffset.UtcNow)
            problem = "assertion iat/exp are missing or out of range";
        if (problem is not null)
        {
            Rejections.Enqueue("token: " + problem);
            await AnswerScript.WriteAsync(context, new StandInAnswer(400, JsonSerializer.Serialize(new { error = "invalid_grant", error_description = problem })));
            return;
        }
        var accessToken = "ya29.standin-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        accessTokens[accessToken] = DateTimeOffset.UtcNow.AddHours(1);
        await context.Response.WriteAsJsonAsync(new { access_token = accessToken, expires_in = 3599, token_type = "Bearer" });
    }

    private async Task SendAsync(HttpContext context, string project)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var accessToken = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : "";
        if (!accessTokens.TryGetValue(accessToken, out var expires) || expires < DateTimeOffset.UtcNow)
        {
            await RejectAsync(context, 401, "UNAUTHENTICATED", "send without a valid Bearer access token");
            return;
        }
        if (project != ProjectId)
        {
            await RejectAsync(context, 403, "PERMISSION_DENIED", $"send to project {project}");
            return;
        }
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await RejectAsync(context, 400, "INVALID_ARGUMENT", "send body is not application/json");
            return;
        }
        JsonElement message;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            message = document.RootElement.TryGetProperty("message", out var m) ? m.Clone() : default;
        }
        catch (JsonException)
        {
            await RejectAsync(context, 400, "INVALID_ARGUMENT", "send body is not JSON");
            return;
        }
        if (CheckMessage(message) is { } problem)
        {
            await RejectAsync(context, 400, "INVALID_ARGUMENT", problem);
            return;
        }
        var token = message.GetProperty("token").GetString()!;
        Requests.Enqueue(new FcmRequest(token, accessToken));
        if (ResponseDelay > TimeSpan.Zero)
            await Task.Delay(ResponseDelay);
        if (Answers.Next(token) is { } answer)
        {
            await AnswerScript.WriteAsync(context, answer);
            return;
        }
        Deliveries.Enqueue(new FcmDelivery(token, message));
        await context.Response.WriteAsJsonAsync(new { name = $"projects/{ProjectId}/messages/{Interlocked.Increment(ref sent)}" });
    }

    /// <summary>The v1 Message rules FCM enforces that a sender can get wrong.</summary>
    private static string? CheckMessage(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
            return "body has no message object";
        foreach (var field in message.EnumerateObject())
            if (!MessageFields.Contains(field.Name))
                return $"Invalid JSON payload received. Unknown name \"{field.Name}\" at 'message'";
        var targets = new[] { "token", "topic", "condition" }.Count(name => message.TryGetProperty(name, out _));
        if (targets != 1)
            return "message needs exactly one of token, topic, condition";
        if (Jwt.Text(message, "token") is not { Length: > 0 })
            return "message.token is not a non-empty string";
        if (message.TryGetProperty("data", out var data) && (data.ValueKind != JsonValueKind.Object || data.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String)))
            return "message.data values must all be strings";
        if (message.TryGetProperty("notification", out var notification)
            && (notification.ValueKind != JsonValueKind.Object || notification.EnumerateObject().Any(p => p.Name is not ("title" or "body" or "image") || p.Value.ValueKind != JsonValueKind.String)))
            return "message.notification takes string title, body, image";
        if (message.TryGetProperty("android", out var android))
        {
            if (android.ValueKind != JsonValueKind.Object)
                return "message.android is not an object";
            if (android.TryGetProperty("ttl", out var ttl) && (ttl.ValueKind != JsonValueKind.String || !DurationPattern().IsMatch(ttl.GetString()!)))
                return "message.android.ttl is not a Duration like \"3.5s\"";
            if (android.TryGetProperty("collapse_key", out var collapse) && collapse.ValueKind != JsonValueKind.String)
                return "message.android.collapse_key is not a string";
        }
        if (message.TryGetProperty("apns", out var apns) && apns.TryGetProperty("headers", out var headers)
            && headers.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
            return "message.apns.headers values must be strings";
        return null;
    }

    private Task RejectAsync(HttpContext context, int status, string statusName, string problem)
    {
        Rejections.Enqueue("send: " + problem);
        return AnswerScript.WriteAsync(context, new StandInAnswer(status, JsonSerializer.Serialize(new { error = new { code = status, message = problem, status = statusName } })));
    }

    [GeneratedRegex(@"^\d+(\.\d{1,9})?s$")]
    private static partial Regex DurationPattern();
}
