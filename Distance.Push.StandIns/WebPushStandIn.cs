using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Distance.Push.StandIns;

/// <summary>A browser's subscription at the stand-in, with the browser's side of the keys.</summary>
public sealed record StandInSubscription(string Id, string Endpoint, string P256dh, string Auth);

/// <summary>A push message the stand-in accepted, decrypted as the browser would.</summary>
public sealed record WebPushDelivery(string SubscriptionId, string? Topic, int Ttl, string? Urgency, string Payload);

/// <summary>
/// A Web Push service as RFC 8030/8291/8292 describe it: POST to the subscription's endpoint with
/// <c>Authorization: vapid t=&lt;JWT&gt;, k=&lt;key&gt;</c> where k is the application server key the
/// subscription was made with and t an ES256 JWT signed by it, with aud the endpoint's origin, exp
/// within 24 h and a mailto:/https: sub; a TTL header; Content-Encoding aes128gcm and a body that
/// decrypts with the browser's keys. Refusals are noted in <see cref="Rejections"/>.
/// </summary>
public sealed partial class WebPushStandIn
{
    private readonly ConcurrentDictionary<string, (ECDiffieHellman Key, byte[] Auth, string ServerKey)> subscriptions = new();

    public AnswerScript Answers { get; } = new();
    public ConcurrentQueue<WebPushDelivery> Deliveries { get; } = new();
    public ConcurrentQueue<string> Rejections { get; } = new();

    /// <summary>
    /// The origin subscriptions point at. Real push services listen on 443, so their origin has no
    /// port, and Lib.Net.Http.WebPush builds the VAPID aud as scheme://host accordingly; the
    /// stand-in keeps that shape with a name of its own on port 80, which
    /// <see cref="PushStandIns.RouteToStandIn"/> connects to the stand-in's real port.
    /// </summary>
    public const string Origin = "http://webpush.standin.test";


    /// <summary>What PushManager.subscribe({applicationServerKey}) gives a browser.</summary>
    public StandInSubscription Subscribe(string applicationServerKey)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        subscriptions[id] = (key, auth, applicationServerKey);
        var q = key.ExportParameters(false).Q;
        return new StandInSubscription(id, $"{Origin}/webpush/{id}",
            Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]), Base64Url.EncodeToString(auth));
    }

    public IReadOnlyList<WebPushDelivery> DeliveriesTo(string subscriptionId) => Deliveries.Where(d => d.SubscriptionId == subscriptionId).ToList();

    internal void Map(WebApplication app) => app.MapPost("/webpush/{id}", ReceiveAsync);

    private async Task ReceiveAsync(HttpContext context, string id)
    {
        if (!subscriptions.TryGetValue(id, out var subscription))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var problem = CheckAuthorization(context.Request, subscription.ServerKey) ?? CheckHeaders(context.Request);
        string? payload = null;
        if (problem is null && !TryDecrypt(buffer.ToArray(), subscription.Key, subscription.Auth, out payload))
            problem = "body does not decrypt as aes128gcm for this subscription";
        if (problem is not null)
        {
            Rejections.Enqueue(problem);
            await AnswerScript.WriteAsync(context, new StandInAnswer(problem.StartsWith("vapid", StringComparison.Ordinal) ? 403 : 400, problem, ContentType: "text/plain"));
            return;
        }
        if (Answers.Next(id) is { } answer)
        {
            await AnswerScript.WriteAsync(context, answer);
            return;
        }
        Deliveries.Enqueue(new WebPushDelivery(id, context.Request.Headers["Topic"].FirstOrDefault(),
            int.Parse(context.Request.Headers["TTL"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
            context.Request.Headers["Urgency"].FirstOrDefault(), payload!));
        context.Response.Headers.Location = $"{Origin}/message/{Guid.NewGuid():N}";
        context.Response.StatusCode = StatusCodes.Status201Created;
    }

    private string? CheckAuthorization(HttpRequest request, string serverKey)
    {
        var match = VapidHeader().Match(request.Headers.Authorization.ToString());
        if (!match.Success)
            return "vapid: Authorization is not 'vapid t=..., k=...'";
        if (match.Groups["k"].Value != serverKey)
            return "vapid: k is not the subscription's application server key";
        if (!Jwt.TryRead(match.Groups["t"].Value, out var header, out var claims, out var signed, out var signature))
            return "vapid: t is not a JWT";
        try
        {
            var point = Base64Url.DecodeFromChars(serverKey);
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
            if (Jwt.Text(header, "alg") != "ES256" || !Jwt.VerifyEs256(key, signed, signature))
                return "vapid: t is not signed ES256 by k";
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException or ArgumentException)
        {
            return "vapid: k is not a P-256 public key";
        }
        if (Jwt.Text(claims, "aud") != Origin)
            return $"vapid: aud is not the push service's origin {Origin}: {Jwt.Text(claims, "aud")}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (Jwt.Number(claims, "exp") is not { } exp || exp <= now || exp > now + 24 * 3600)
            return "vapid: exp is missing, past, or more than 24 h ahead";
        if (Jwt.Text(claims, "sub") is not { } sub || !(sub.StartsWith("mailto:", StringComparison.Ordinal) || sub.StartsWith("https:", StringComparison.Ordinal)))
            return "vapid: sub is not a mailto: or https: contact";
        return null;
    }

    private static string? CheckHeaders(HttpRequest request)
    {
        if (!int.TryParse(request.Headers["TTL"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            return "TTL header missing or not a number of seconds";
        if (request.Headers.ContentEncoding.ToString() != "aes128gcm")
            return "Content-Encoding is not aes128gcm";
        if (request.Headers["Topic"].FirstOrDefault() is { } topic && !TopicPattern().IsMatch(topic))
            return "Topic is not at most 32 base64url characters";
        if (request.Headers["Urgency"].FirstOrDefault() is { } urgency && urgency is not ("very-low" or "low" or "normal" or "high"))
            return "Urgency is not very-low, low, normal or high";
        return null;
    }

    /// <summary>RFC 8291 §3.4 and RFC 8188: a one-record aes128gcm body, decrypted with the browser's key and auth secret.</summary>
    private static bool TryDecrypt(byte[] body, ECDiffieHellman browserKey, byte[] auth, out string payload)
    {
        payload = "";
        if (body.Length < 21 + 65 + 17 || body[20] != 65)
            return false;
        var salt = body[..16];
        var senderPublic = body[21..86];
        var ciphertext = body[86..];
        try
        {
            using var sender = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = senderPublic[1..33], Y = senderPublic[33..] },
            });
            var q = browserKey.ExportParameters(false).Q;
            byte[] browserPublic = [0x04, .. q.X!, .. q.Y!];
            var sharedSecret = browserKey.DeriveRawSecretAgreement(sender.PublicKey);
            byte[] keyInfo = [.. "WebPush: info"u8, 0, .. browserPublic, .. senderPublic];
            var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, 32, auth, keyInfo);
            var cek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt, [.. "Content-Encoding: aes128gcm"u8, 0]);
            var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt, [.. "Content-Encoding: nonce"u8, 0]);
            var plaintext = new byte[ciphertext.Length - 16];
            using var aes = new AesGcm(cek, 16);
            aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plaintext);
            // The last record ends with the delimiter 0x02, then optional zero padding.
            var end = plaintext.Length - 1;
            while (end >= 0 && plaintext[end] == 0)
                end--;
            if (end < 0 || plaintext[end] != 2)
                return false;
            payload = Encoding.UTF8.GetString(plaintext, 0, end);
            return true;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^vapid t=(?<t>[A-Za-z0-9_.-]+), ?k=(?<k>[A-Za-z0-9_-]+)$")]
    private static partial Regex VapidHeader();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TopicPattern();
}
