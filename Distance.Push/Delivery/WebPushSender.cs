using System.Net;
using System.Text.Json;
using Distance.Data.Push;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;

namespace Distance.Push.Delivery;

/// <summary>
/// One Web Push send (RFC 8030) with VAPID (RFC 8292, the "vapid t=…, k=…" scheme) and the
/// payload encrypted for the subscription (RFC 8291, aes128gcm). The record's tag goes out as
/// the Topic header, so the push service replaces an undelivered notification of the same room,
/// and inside the payload for the service worker's showNotification({tag}).
/// </summary>
public sealed class WebPushSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly PushServiceClient client;
    private readonly WebPushOptions options;
    private readonly TimeProvider clock;

    public WebPushSender(HttpClient http, IOptions<WebPushOptions> options, TimeProvider clock)
    {
        this.options = options.Value;
        this.clock = clock;
        client = new PushServiceClient(http)
        {
            DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid,
            // Polly does the retrying, the same way for both providers.
            AutoRetryAfter = false,
            DefaultTimeToLive = (int)this.options.TimeToLive.TotalSeconds,
        };
        if (this.options.Enabled)
            client.DefaultAuthentication = new VapidAuthentication(this.options.PublicKey, this.options.PrivateKey) { Subject = this.options.Subject };
    }

    public async Task<DeliveryResult> SendAsync(PushRecord record, CancellationToken cancellationToken)
    {
        var subscription = new PushSubscription { Endpoint = record.Device.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, record.Device.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, record.Device.Auth);
        var payload = JsonSerializer.Serialize(new WebPushPayload(record.Type, record.Title, record.Body, record.Tag, record.RoomId, record.Count), Json);
        var message = new PushMessage(payload) { Topic = record.Tag, Urgency = PushMessageUrgency.Normal };
        try
        {
            await client.RequestPushMessageDeliveryAsync(subscription, message, cancellationToken);
            return DeliveryResult.Delivered;
        }
        catch (PushServiceClientException exception)
        {
            return Classify(exception.StatusCode, exception.Body, DeliveryResult.RetryAfterOf(exception.Headers?.RetryAfter, clock.GetUtcNow()));
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            // Keys that are not a P-256 point and a 16-byte secret: no push service would take it.
            return DeliveryResult.Failed("invalid_subscription", null, exception.Message);
        }
    }

    /// <summary>404 and 410 mean the subscription is gone (RFC 8030 §7.3); 429 and 5xx are retried; the rest fails for good.</summary>
    public static DeliveryResult Classify(HttpStatusCode status, string? answer, TimeSpan? retryAfter)
    {
        var code = (int)status;
        return code switch
        {
            404 or 410 => DeliveryResult.Gone(code == 410 ? "expired" : "not_found", code, answer),
            429 or >= 500 => DeliveryResult.Retry("http_" + code, code, answer, retryAfter),
            _ => DeliveryResult.Failed(code is 400 or 401 or 403 or 413 ? "http_" + code : "unexpected_answer", code, answer),
        };
    }

    /// <summary>What the service worker receives (docs/push.md).</summary>
    private sealed record WebPushPayload(string Type, string Title, string Body, string Tag, long? RoomId, int Count);
}
