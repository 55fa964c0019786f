using System.Security.Cryptography;
using System.Text;

namespace Distance.Data.Push;

public static class PushKinds
{
    public const string Fcm = "fcm";
    public const string WebPush = "webpush";
}

/// <summary>
/// Where one login's pushes go: an FCM registration token, or a Web Push subscription (endpoint
/// plus the browser's P-256 public key and auth secret, both base64url).
/// </summary>
public sealed record PushDevice(string Kind, string? Token, string? Endpoint = null, string? P256dh = null, string? Auth = null)
{
    public static PushDevice Fcm(string token) => new(PushKinds.Fcm, token);

    public static PushDevice WebPush(string endpoint, string p256dh, string auth) => new(PushKinds.WebPush, null, endpoint, p256dh, auth);

    /// <summary>The address of the device, whatever its kind: the same token or endpoint is the same device.</summary>
    public string Address => (Kind == PushKinds.Fcm ? Token : Endpoint) ?? "";

    /// <summary>SHA-256 of <see cref="Address"/>: indexed, so a device that moves to a new login can be found.</summary>
    public byte[] DeviceHash => SHA256.HashData(Encoding.UTF8.GetBytes(Address));
}

/// <summary>A registration as the relay reads it: the login it belongs to and its device.</summary>
public sealed record PushRegistration(long LoginId, long MemberId, PushDevice Device);
