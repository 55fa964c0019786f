using Distance.Realtime.Chat;
using Distance.Realtime.Connections;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Tests.Chat;

/// <summary>
/// Presence in the real Redis: a connect counts as online until its entry's expiry, drops the
/// member's expired entries and keeps the key alive for the TTL (one script since issue 20's
/// connection storm; it was three commands).
/// </summary>
public sealed class PresenceTests : IAsyncLifetime
{
    private readonly ManualClock clock = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ChatOptions options = new() { PresenceTtl = TimeSpan.FromSeconds(90) };
    private PrefixedRedis redis = null!;

    public async Task InitializeAsync() => redis = await PrefixedRedis.ConnectAsync("presence-test");

    public Task DisposeAsync() => redis.DisposeAsync().AsTask();

    private IDatabase Keys => redis.Keys;

    private Presence NewPresence() =>
        new(Keys, new LiveConnections(), Options.Create(options), clock, NullLogger<Presence>.Instance);

    [Fact]
    public async Task AConnectIsOnlineUntilItsEntryExpiresAndTheNextConnectDropsExpiredEntries()
    {
        var presence = NewPresence();

        await presence.ConnectedAsync(7, "first");

        Assert.Equal([7L], await presence.OnlineAsync([7, 8]));
        var ttl = await Keys.KeyTimeToLiveAsync("chat:presence:7");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(90));

        // 91 s on, with no refresh (the node that held "first" died): not online any more.
        clock.Advance(TimeSpan.FromSeconds(91));
        Assert.Empty(await presence.OnlineAsync([7]));

        await presence.ConnectedAsync(7, "second");

        Assert.Equal([7L], await presence.OnlineAsync([7]));
        var entries = await Keys.SortedSetRangeByRankWithScoresAsync("chat:presence:7");
        var entry = Assert.Single(entries);
        Assert.Equal("second", entry.Element);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() + 90_000, entry.Score);

        await presence.DisconnectedAsync(7, "second");
        Assert.Empty(await presence.OnlineAsync([7]));
    }
}
