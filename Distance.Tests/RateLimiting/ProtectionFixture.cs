using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.RateLimiting;

/// <summary>
/// A <see cref="DistanceFixture"/> whose nodes have tight limits, a trusted proxy and the probe
/// endpoints, set before any node starts. Limits refill once a minute, so within a test a bucket
/// only drains: counts are exact.
/// </summary>
public sealed class ProtectionFixture : IAsyncLifetime
{
    public const int MemberLimit = 5;
    public const int AnonymousLimit = 4;
    public const int AuthLimit = 2;
    public const int EchoLimit = 5;
    public const int SendMessageLimit = 3;
    public const int FloodRejections = 5;
    public const string TrustedProxy = "10.9.8.7";

    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(1);

    public ProtectionFixture()
    {
        foreach (var (key, value) in TightSettings())
            Distance.Settings[key] = value;
    }

    public DistanceFixture Distance { get; } = new();

    public static IEnumerable<KeyValuePair<string, string?>> TightSettings() =>
    [
        ProbeHost.Enable,
        .. RateLimitSettings.Bucket("RateLimiting:Member", MemberLimit, 1, Slow),
        .. RateLimitSettings.Bucket("RateLimiting:Anonymous", AnonymousLimit, 1, Slow),
        .. RateLimitSettings.Bucket("RateLimiting:Auth", AuthLimit, 1, Slow),
        .. RateLimitSettings.Bucket("RateLimiting:Hub:Default", EchoLimit, 1, Slow),
        .. RateLimitSettings.Bucket("RateLimiting:Hub:SendMessage", SendMessageLimit, 1, Slow),
        new("RateLimiting:Hub:FloodRejections", FloodRejections.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("RateLimiting:Hub:FloodWindow", "00:01:00"),
        new("Network:KnownProxies:0", TrustedProxy),
    ];

    public Task InitializeAsync() => Distance.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Distance.DisposeAsync();
        // The library names its keys rl:tb:{<our key>}; ours start with the run's prefix inside the braces.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConnection);
        var keys = await TestServices.KeysAsync(redis.GetServer(redis.GetEndPoints()[0]), "rl:tb:{" + Distance.KeyPrefix + "*");
        if (keys.Length > 0)
            await redis.GetDatabase().KeyDeleteAsync(keys);
    }
}

[CollectionDefinition(nameof(ProtectionCollection))]
public sealed class ProtectionCollection : ICollectionFixture<ProtectionFixture>;
