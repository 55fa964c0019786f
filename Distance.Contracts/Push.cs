using System.Runtime.Serialization;

namespace Distance.Contracts;

/// <summary>
/// PUT /api/me/push: <c>{kind: "fcm", token}</c> or <c>{kind: "webpush", endpoint, p256dh, auth}</c>.
/// </summary>
[DataContract]
public sealed record PushRegistration(
    [property: DataMember(Name = "kind")] string? Kind,
    [property: DataMember(Name = "token")] string? Token = null,
    [property: DataMember(Name = "endpoint")] string? Endpoint = null,
    [property: DataMember(Name = "p256dh")] string? P256dh = null,
    [property: DataMember(Name = "auth")] string? Auth = null)
{
    public static PushRegistration Fcm(string token) => new("fcm", token);

    public static PushRegistration WebPush(string endpoint, string p256dh, string auth) => new("webpush", null, endpoint, p256dh, auth);
}

/// <summary>GET /api/push/webpush-key: the VAPID public key.</summary>
[DataContract]
public sealed record WebPushKey([property: DataMember(Name = "publicKey")] string PublicKey);
