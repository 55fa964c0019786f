using System.Globalization;

namespace Distance.Data.Push;

/// <summary>
/// One notification for one device, as it travels on the Redis stream distance:push from the
/// relay (nodes) to the push worker. Flat string fields, so a record stays readable with
/// redis-cli. <see cref="Tag"/> is the collapse key: the device keeps only the newest
/// notification per tag, and <see cref="Count"/> says how many events it stands for.
/// </summary>
public sealed record PushRecord(
    long MemberId, long LoginId, PushDevice Device, string Type, string Title, string Body,
    long? RoomId, int Count, string Tag, DateTime CreatedAt)
{
    public const string StreamKey = "distance:push";
    public const string DeadStreamKey = "distance:push:dead";

    public IReadOnlyList<KeyValuePair<string, string>> ToFields()
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("memberId", MemberId.ToString(CultureInfo.InvariantCulture)),
            new("loginId", LoginId.ToString(CultureInfo.InvariantCulture)),
            new("kind", Device.Kind),
            new("type", Type),
            new("title", Title),
            new("body", Body),
            new("count", Count.ToString(CultureInfo.InvariantCulture)),
            new("tag", Tag),
            new("createdAt", CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
        };
        if (RoomId is { } roomId)
            fields.Add(new("roomId", roomId.ToString(CultureInfo.InvariantCulture)));
        if (Device.Kind == PushKinds.Fcm)
            fields.Add(new("pushToken", Device.Token ?? ""));
        else
        {
            fields.Add(new("endpoint", Device.Endpoint ?? ""));
            fields.Add(new("p256dh", Device.P256dh ?? ""));
            fields.Add(new("auth", Device.Auth ?? ""));
        }
        return fields;
    }

    /// <summary>Reads a record back; null when a field is missing or malformed (the worker dead-letters it).</summary>
    public static PushRecord? TryParse(IReadOnlyDictionary<string, string> fields)
    {
        string? Get(string name) => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        if (!long.TryParse(Get("memberId"), NumberStyles.None, CultureInfo.InvariantCulture, out var memberId)
            || !long.TryParse(Get("loginId"), NumberStyles.None, CultureInfo.InvariantCulture, out var loginId)
            || Get("type") is not { } type || Get("title") is not { } title || Get("tag") is not { } tag
            || !int.TryParse(Get("count") ?? "1", NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !DateTime.TryParse(Get("createdAt"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var createdAt))
            return null;
        PushDevice? device = Get("kind") switch
        {
            PushKinds.Fcm when Get("pushToken") is { } token => PushDevice.Fcm(token),
            PushKinds.WebPush when Get("endpoint") is { } endpoint && Get("p256dh") is { } p256dh && Get("auth") is { } auth
                => PushDevice.WebPush(endpoint, p256dh, auth),
            _ => null,
        };
        if (device is null)
            return null;
        long? roomId = long.TryParse(Get("roomId"), NumberStyles.None, CultureInfo.InvariantCulture, out var room) ? room : null;
        return new PushRecord(memberId, loginId, device, type, title, Get("body") ?? "", roomId, count, tag, createdAt);
    }
}
