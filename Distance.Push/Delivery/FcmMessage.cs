using System.Globalization;
using System.Text.Json.Serialization;
using Distance.Data.Push;

namespace Distance.Push.Delivery;

/// <summary>
/// The body of FCM HTTP v1 <c>projects.messages.send</c>: a notification for the device, the
/// record's facts as string data for the app, and the record's tag as the collapse key on Android
/// (collapse_key, notification.tag) and iOS (apns-collapse-id), so the device keeps the newest.
/// </summary>
internal sealed record FcmSendRequest([property: JsonPropertyName("message")] FcmMessage Message)
{
    public static FcmSendRequest From(PushRecord record, TimeSpan timeToLive) => new(new FcmMessage(
        record.Device.Token ?? "",
        new FcmNotification(record.Title, record.Body),
        Data(record),
        new FcmAndroid(record.Tag, ((long)timeToLive.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s", new FcmAndroidNotification(record.Tag)),
        new FcmApns(new Dictionary<string, string> { ["apns-collapse-id"] = record.Tag })));

    private static Dictionary<string, string> Data(PushRecord record)
    {
        var data = new Dictionary<string, string>
        {
            ["type"] = record.Type,
            ["count"] = record.Count.ToString(CultureInfo.InvariantCulture),
            ["tag"] = record.Tag,
        };
        if (record.RoomId is { } roomId)
            data["roomId"] = roomId.ToString(CultureInfo.InvariantCulture);
        return data;
    }
}

internal sealed record FcmMessage(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("notification")] FcmNotification Notification,
    [property: JsonPropertyName("data")] Dictionary<string, string> Data,
    [property: JsonPropertyName("android")] FcmAndroid Android,
    [property: JsonPropertyName("apns")] FcmApns Apns);

internal sealed record FcmNotification([property: JsonPropertyName("title")] string Title, [property: JsonPropertyName("body")] string Body);

internal sealed record FcmAndroid(
    [property: JsonPropertyName("collapse_key")] string CollapseKey,
    [property: JsonPropertyName("ttl")] string Ttl,
    [property: JsonPropertyName("notification")] FcmAndroidNotification Notification);

internal sealed record FcmAndroidNotification([property: JsonPropertyName("tag")] string Tag);

internal sealed record FcmApns([property: JsonPropertyName("headers")] Dictionary<string, string> Headers);
