using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Distance.StandIns;

/// <summary>
/// SOLAPI's <c>POST /messages/v4/send</c> as its documentation describes it (docs.solapi.com,
/// "API Key 인증 방식" and "단일 메시지"): <c>Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…,
/// signature=…</c> where the signature is hex(HMAC-SHA256(key: API secret, data: date + salt)), the
/// date ISO 8601 within ±15 minutes, the salt 12–64 bytes, and a signature never used twice within
/// 15 minutes; the body <c>{"message":{"to","from","text"}}</c> with a registered <c>from</c>.
/// Errors use SOLAPI's shape <c>{"errorCode","errorMessage"}</c>.
/// </summary>
public sealed class SolapiEndpoint(IOptions<StandInOptions> options, ReceivedMessages received, TimeProvider clock)
{
    public const string Provider = "solapi";
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, DateTimeOffset> usedSignatures = new();

    public async Task<IResult> SendAsync(HttpRequest request)
    {
        received.CountAttempt(Provider);
        if (received.TakeFault(Provider) is { } status)
            return Error(status, status == 429 ? "TooManyRequests" : "InternalError", "Planned fault of the stand-in.");

        var account = options.Value.Solapi;
        if (Authenticate(request.Headers.Authorization.ToString(), account) is { } refused)
            return refused;
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Error(400, "ValidationError", "Content-Type must be application/json.");

        JsonElement message;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (!body.RootElement.TryGetProperty("message", out message) || message.ValueKind != JsonValueKind.Object)
                return Error(400, "ValidationError", "message 필수입니다 (message is required).");
            message = message.Clone();
        }
        catch (JsonException)
        {
            return Error(400, "ValidationError", "The body is not JSON.");
        }

        var to = Text(message, "to");
        var from = Text(message, "from");
        var text = Text(message, "text");
        if (to is null || to.Length is < 8 or > 15 || !to.All(char.IsAsciiDigit))
            return Error(400, "ValidationError", "message.to must be a phone number of digits only.");
        if (from != account.From)
            return Error(400, "ValidationError", "message.from is not a registered sender number.");
        if (string.IsNullOrEmpty(text) || text.Length > 2000)
            return Error(400, "ValidationError", "message.text is required (at most 2,000 characters).");

        received.Add(Provider, to, from, text);
        var id = RandomNumberGenerator.GetHexString(24);
        return Results.Json(new
        {
            groupId = "G4V" + id,
            messageId = "M4V" + id,
            accountId = "12925149",
            statusMessage = "정상 접수(이통사로 접수 예정) ",
            statusCode = "2000",
            to,
            from,
            type = "SMS",
            country = "82",
        });
    }

    private IResult? Authenticate(string header, SolapiAccount account)
    {
        const string Scheme = "HMAC-SHA256 ";
        if (!header.StartsWith(Scheme, StringComparison.Ordinal))
            return Error(401, "Unauthorized", "Authorization must be 'HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…'.");
        var fields = header[Scheme.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("apiKey", out var apiKey) || !fields.TryGetValue("date", out var date)
            || !fields.TryGetValue("salt", out var salt) || !fields.TryGetValue("signature", out var signature) || fields.Count != 4)
            return Error(401, "Unauthorized", "Authorization needs exactly apiKey, date, salt and signature.");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(apiKey), Encoding.UTF8.GetBytes(account.ApiKey)))
            return Error(403, "InvalidAPIKey", "유효한 API Key가 아닙니다.");
        if (!DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || !date.Contains('T'))
            return Error(400, "ValidationError", "date must be an ISO 8601 date and time.");
        if ((clock.GetUtcNow() - at).Duration() > Skew)
            return Error(403, "RequestTimeTooSkewed", "시간 값이 서버 시간을 15분 이상 벗어났습니다.");
        if (Encoding.UTF8.GetByteCount(salt) is < 12 or > 64)
            return Error(400, "ValidationError", "salt must be 12 to 64 bytes.");

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(account.ApiSecret), Encoding.UTF8.GetBytes(date + salt)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return Error(403, "SignatureDoesNotMatch", "생성한 Signature가 일치하지 않습니다.");
        Forget(clock.GetUtcNow() - Skew);
        if (!usedSignatures.TryAdd(signature, clock.GetUtcNow()))
            return Error(403, "DuplicatedSignature", "15분 안에 동일한 signature 값이 사용되었습니다.");
        return null;
    }

    private void Forget(DateTimeOffset before)
    {
        foreach (var (signature, usedAt) in usedSignatures)
            if (usedAt < before)
                usedSignatures.TryRemove(signature, out _);
    }

    private static string? Text(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { errorCode = code, errorMessage = message }, statusCode: status);
}
