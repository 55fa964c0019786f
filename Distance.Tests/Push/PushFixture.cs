using Distance.Data.Push;
using Distance.Push;
using Distance.Push.StandIns;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using StackExchange.Redis;

namespace Distance.Tests.Push;

/// <summary>
/// Two nodes on their own database and key prefix with a one-second collapse window, a Web Push
/// key, and the provider stand-ins; workers are started by the tests that need one.
/// </summary>
public sealed class PushFixture : IAsyncLifetime
{
    public static readonly TimeSpan CollapseWindow = TimeSpan.FromSeconds(1);

    public DistanceFixture Nodes { get; } = new();
    public PushStandIns StandIns { get; private set; } = null!;
    public (string PublicKey, string PrivateKey) Vapid { get; } = VapidKeys.Generate();
    public RoomApi Api => new(Nodes);
    public IDatabase Redis => Nodes.NodeA.Service<IDatabase>();

    /// <summary>Settings for a push worker on this fixture's database, Redis prefix and stand-ins.</summary>
    public Dictionary<string, string?> WorkerSettings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = PushWorkerFixture.WorkerSettings(
            Nodes.Settings["Database:ConnectionString"]!, Nodes.Settings["Redis:ConnectionString"]!, Nodes.KeyPrefix, StandIns, Vapid);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    /// <summary>The records on distance:push for <paramref name="memberId"/>, oldest first.</summary>
    public async Task<List<Dictionary<string, string>>> RecordsForAsync(long memberId) =>
        (await Redis.StreamRangeAsync(PushRecord.StreamKey).Within())
        .Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString()))
        .Where(e => e["memberId"] == memberId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .ToList();

    public Task InitializeAsync()
    {
        Nodes.Settings["Push:CollapseWindow"] = CollapseWindow.ToString("c");
        Nodes.Settings["Push:WebPush:PublicKey"] = Vapid.PublicKey;
        return StartStandInsAsync();
    }

    private async Task StartStandInsAsync() => StandIns = await PushStandIns.StartAsync();

    public async Task DisposeAsync()
    {
        await StandIns.DisposeAsync();
        await Nodes.DisposeAsync();
    }
}

[CollectionDefinition(nameof(PushCollection))]
public sealed class PushCollection : ICollectionFixture<PushFixture>;
