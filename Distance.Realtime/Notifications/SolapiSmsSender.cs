using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Notifications;

/// <summary>
/// SOLAPI (CoolSMS) REST API v4: <c>POST {BaseUrl}/messages/v4/send</c> with
/// <c>{"message":{"to","from","text"}}</c>, signed per attempt with
/// <c>Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=hex(HMAC-SHA256(secret, date + salt))</c>.
/// A fresh salt each attempt matters: SOLAPI refuses a signature seen within 15 minutes
/// (DuplicatedSignature), so a retry must not resend the first attempt's header.
/// </summary>
public sealed class SolapiSmsSender(IHttpClientFactory clients, IOptions<SmsSenderOptions> options, SmsDispatch dispatch, TimeProvider clock)
    : IMessageSender
{
    public const string ClientName = "sms-solapi";

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        dispatch.SendAsync("solapi", async token =>
        {
            var solapi = options.Value.Solapi;
            using var client = clients.CreateClient(ClientName);
            var body = JsonSerializer.Serialize(new { message = new { to = message.To, from = solapi.From, text = message.Text } });
            using var request = new HttpRequestMessage(HttpMethod.Post, solapi.BaseUrl.TrimEnd('/') + "/messages/v4/send")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = Authorization(solapi.ApiKey, solapi.ApiSecret, clock.GetUtcNow());
            using var response = await client.SendAsync(request, token);
            if (response.IsSuccessStatusCode)
                return;
            var status = (int)response.StatusCode;
            throw new SmsProviderException(status, await ReasonAsync(response, token), SmsProviderException.IsTransient(status));
        }, cancellationToken);

    internal static AuthenticationHeaderValue Authorization(string apiKey, string apiSecret, DateTimeOffset now)
    {
        var date = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var salt = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), Encoding.UTF8.GetBytes(date + salt)));
        return new AuthenticationHeaderValue("HMAC-SHA256", $"apiKey={apiKey}, date={date}, salt={salt}, signature={signature}");
    }

    /// <summary>SOLAPI's errors read <c>{"errorCode","errorMessage"}</c>; anything else is quoted as it came.</summary>
    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("errorCode", out var code))
                return $"{code.GetString()}: {(json.RootElement.TryGetProperty("errorMessage", out var m) ? m.GetString() : "")}";
        }
        catch (JsonException)
        {
        }
        return $"{(int)response.StatusCode} {HttpSmsSender.Shorten(text)}";
    }
}
