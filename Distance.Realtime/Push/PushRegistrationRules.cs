using System.Buffers.Text;
using System.Net;
using Distance.Data.Push;

namespace Distance.Realtime.Push;

/// <summary>
/// What a registration must look like before a worker sends anything to it: an FCM token of sane
/// length, or a Web Push subscription whose keys are a P-256 point and a 16-byte secret and whose
/// endpoint is an https URL on a public host (the worker POSTs there: no loopback, no IP literals).
/// </summary>
internal static class PushRegistrationRules
{
    private const int MaxTokenLength = 512;
    private const int MaxEndpointLength = 1024;

    public static PushDevice? Validate(PushRegistrationRequest? request, bool allowInsecureEndpoints, Dictionary<string, string[]> errors)
    {
        switch (request?.Kind)
        {
            case null:
                errors["kind"] = ["kind is required: fcm or webpush."];
                return null;
            case PushKinds.Fcm:
                if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > MaxTokenLength || request.Token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                    errors["token"] = [$"token is required: 1-{MaxTokenLength} characters without spaces."];
                return errors.Count == 0 ? PushDevice.Fcm(request.Token!) : null;
            case PushKinds.WebPush:
                if (!IsEndpoint(request.Endpoint, allowInsecureEndpoints))
                    errors["endpoint"] = [$"endpoint must be an https URL of a push service, at most {MaxEndpointLength} characters."];
                if (!IsKey(request.P256dh, 65, 0x04))
                    errors["p256dh"] = ["p256dh must be the subscription's P-256 public key, base64url (65 bytes)."];
                if (!IsKey(request.Auth, 16, null))
                    errors["auth"] = ["auth must be the subscription's auth secret, base64url (16 bytes)."];
                return errors.Count == 0 ? PushDevice.WebPush(request.Endpoint!, request.P256dh!, request.Auth!) : null;
            default:
                errors["kind"] = ["kind must be fcm or webpush."];
                return null;
        }
    }

    private static bool IsEndpoint(string? endpoint, bool allowInsecure)
    {
        if (endpoint is null || endpoint.Length > MaxEndpointLength || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return false;
        if (allowInsecure)
            return uri.Scheme is "https" or "http";
        return uri.Scheme == "https" && uri.HostNameType == UriHostNameType.Dns && !uri.IsLoopback
               && !uri.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(uri.Host, out _);
    }

    private static bool IsKey(string? value, int length, byte? firstByte)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 128)
            return false;
        try
        {
            var bytes = Base64Url.DecodeFromChars(value.TrimEnd('='));
            return bytes.Length == length && (firstByte is null || bytes[0] == firstByte);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
