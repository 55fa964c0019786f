using Distance.Data.Push;
using Distance.Push.StandIns;

namespace Distance.Load.Push;

/// <summary>The backlog: distinct FCM tokens, and Web Push records over a pool of real stand-in subscriptions.</summary>
internal static class PushRecords
{
    /// <summary>Subscriptions the Web Push records share (each costs the stand-in a P-256 key pair).</summary>
    private const int Subscriptions = 500;

    /// <summary>
    /// Every record has a tag of its own: records of one device and tag in one read collapse into
    /// one send, and the benchmark is about sends.
    /// </summary>
    public static IEnumerable<PushRecord> Build(int count, double webPushShare, WebPushStandIn webPush, string vapidPublicKey)
    {
        var webPushCount = (int)Math.Round(count * webPushShare);
        var browsers = Enumerable.Range(0, Math.Min(Subscriptions, webPushCount))
            .Select(_ => webPush.Subscribe(vapidPublicKey))
            .Select(s => PushDevice.WebPush(s.Endpoint, s.P256dh, s.Auth))
            .ToArray();
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            // Spread evenly (exactly webPushCount of them), so every batch mixes both providers as real traffic would.
            var isWebPush = (i + 1L) * webPushCount / count > (long)i * webPushCount / count;
            var device = isWebPush ? browsers[i % browsers.Length] : PushDevice.Fcm($"bench-{i}-{Guid.NewGuid():N}");
            yield return new PushRecord(i + 1, i + 1, device, PushEventKinds.Message, "컴퓨터공학과INTJ#7",
                "내일 축제 같이 갈래? 정문에서 7시에 보자", i, 1, $"room-{i}", now);
        }
    }
}
