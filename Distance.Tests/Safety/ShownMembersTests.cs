using Distance.Realtime.Safety;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Tests.Safety;

/// <summary>
/// The record of whom matching showed to whom, in the real Redis: shown members count for the
/// window, a later record drops the entries older than the window, and the key expires a window
/// after the last record (one script since issue 20; it was three commands).
/// </summary>
public sealed class ShownMembersTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly ManualClock clock = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private PrefixedRedis redis = null!;

    public async Task InitializeAsync() => redis = await PrefixedRedis.ConnectAsync("shown-test");

    public Task DisposeAsync() => redis.DisposeAsync().AsTask();

    private IDatabase Keys => redis.Keys;

    private ShownMembers NewShownMembers() =>
        new(Keys, Options.Create(new SafetyOptions { ShownWindow = Window }), clock, NullLogger<ShownMembers>.Instance);

    [Fact]
    public async Task ShownMembersCountForTheWindowAndTheKeyExpiresAWindowAfterTheLastRecord()
    {
        var shown = NewShownMembers();

        await shown.RecordAsync(7, [11, 12]);

        Assert.True(await shown.WasShownAsync(7, 11));
        Assert.True(await shown.WasShownAsync(7, 12));
        Assert.False(await shown.WasShownAsync(7, 13));
        Assert.False(await shown.WasShownAsync(8, 11));
        var entries = await Keys.SortedSetRangeByRankWithScoresAsync("safety:shown:7");
        Assert.Equal([(RedisValue)11, 12], entries.Select(e => e.Element).Order());
        Assert.All(entries, e => Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), e.Score));
        Assert.InRange((await Keys.KeyTimeToLiveAsync("safety:shown:7"))!.Value, Window - TimeSpan.FromSeconds(10), Window);

        clock.Advance(Window - TimeSpan.FromMinutes(1));
        Assert.True(await shown.WasShownAsync(7, 11));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(await shown.WasShownAsync(7, 11));
    }

    [Fact]
    public async Task ARecordDropsEntriesOlderThanTheWindowAndRefreshesThoseShownAgain()
    {
        var shown = NewShownMembers();
        await shown.RecordAsync(7, [11, 12]);
        clock.Advance(TimeSpan.FromMinutes(30));
        await shown.RecordAsync(7, [12, 13]);
        clock.Advance(TimeSpan.FromMinutes(31));

        await shown.RecordAsync(7, [14]);

        // 11 was last shown 61 minutes ago: trimmed. 12 was shown again 31 minutes ago: kept.
        var entries = await Keys.SortedSetRangeByRankWithScoresAsync("safety:shown:7");
        var now = clock.GetUtcNow();
        Assert.Equal(
            [(12L, now.AddMinutes(-31)), (13L, now.AddMinutes(-31)), (14L, now)],
            entries.Select(e => ((long)e.Element, DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score))).OrderBy(e => e.Item1));
        Assert.False(await shown.WasShownAsync(7, 11));
        Assert.True(await shown.WasShownAsync(7, 12));
    }
}
