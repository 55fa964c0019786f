namespace Distance.Realtime.Push;

/// <summary>PUT /api/me/push: <c>{kind:"fcm", token}</c> or <c>{kind:"webpush", endpoint, p256dh, auth}</c>.</summary>
public sealed record PushRegistrationRequest(string? Kind, string? Token, string? Endpoint, string? P256dh, string? Auth);

/// <summary>GET /api/push/webpush-key.</summary>
public sealed record WebPushKeyResponse(string PublicKey);
