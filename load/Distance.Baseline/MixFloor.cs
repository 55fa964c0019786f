using System.Text.Json;
using Dapper;
using Distance.Data.Database;
using Distance.Data.Locations;
using Distance.Data.Messages;
using Distance.Data.Rooms;
using MySqlConnector;
using StackExchange.Redis;

namespace Distance.Baseline;

/// <summary>
/// The I/O floor of the festival mix under the fewest round trips any design keeping the contract
/// could have (docs/benchmarks.md "The I/O floor of the festival mix"): every request makes ONE Redis
/// call that checks the login's revocation and takes a token from each of its buckets (and, for a
/// history page, reads the room's directory entry), then runs Distance's own statements through its
/// repositories (Distance.Data, so the statements are exactly the node's), and a match records whom
/// it showed. No authentication, no routing beyond one endpoint, no JSON, no limiter bookkeeping in
/// the process: what this costs per request no design that stores and checks what Distance does can
/// go below on this machine. The kind of each request follows the festival mix's shares (location
/// 45 %, matches 15 %, rooms 25 %, history 15 %) by a request counter; the members are the festival
/// seed's crowd (ids 1..members, room k joining members 2k-1 and 2k).
/// </summary>
public sealed class MixFloor
{
    // KEYS[1]: the login's revocation key, KEYS[2]: a key to read and return (the room directory),
    // KEYS[3..]: token buckets. ARGV: now (ms), then capacity, tokens per period, period (ms) per
    // bucket. A token bucket in the same shape as the node's (a hash of tokens and time, a TTL), all
    // checked before any is taken so a refusal takes nothing.
    private const string GateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
        local read = redis.call('GET', KEYS[2])
        local now = tonumber(ARGV[1])
        local left = {}
        for i = 3, #KEYS do
          local a = 2 + (i - 3) * 3
          local capacity, rate, period = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
          local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
          local tokens, at = tonumber(state[1]) or capacity, tonumber(state[2]) or now
          tokens = math.min(capacity, tokens + math.floor((now - at) / period) * rate)
          if tokens < 1 then return 0 end
          left[i] = tokens - 1
        end
        for i = 3, #KEYS do
          redis.call('HSET', KEYS[i], 'tokens', left[i], 'at', now)
          redis.call('PEXPIRE', KEYS[i], 60000)
        end
        return read or 1
        """;

    // The member and matching limits, raised as the benchmarks raise them: the floor never refuses.
    private static readonly RedisValue[] OneBucket = [1_000_000, 1_000_000, 1_000];

    private readonly IDatabase redis;
    private readonly LocationRepository locations;
    private readonly NearbyRepository nearby;
    private readonly RoomRepository rooms;
    private readonly MessageRepository messages;
    private readonly (double Latitude, double Longitude)[] positions;
    private readonly string prefix;
    private readonly bool readModel;
    private long requests;

    // The read model's keys (?model=redis): a member's room list and a room's newest page, as JSON.
    private string RoomsKey(int member) => prefix + "model:rooms:" + member;
    private string PageKey(int room) => prefix + "model:page:" + room;

    private MixFloor(IDatabase redis, MySqlDataSource dataSource, (double, double)[] positions, bool readModel, string prefix)
    {
        this.redis = redis;
        this.readModel = readModel;
        this.positions = positions;
        this.prefix = prefix;
        locations = new LocationRepository(dataSource);
        nearby = new NearbyRepository(dataSource, ReadRouting.PrimaryOnly(dataSource));
        rooms = new RoomRepository(dataSource);
        messages = new MessageRepository(dataSource);
    }

    /// <summary>
    /// Maps /floor/mix when a MariaDB connection string to a festival-seeded database is configured;
    /// with <paramref name="readModel"/> it writes the read model first (a statement per member and
    /// room: only the runs that read it wait for it).
    /// </summary>
    public static async Task MapAsync(WebApplication app, IDatabase redis, MySqlDataSource dataSource, int members, bool readModel,
        string prefix, CancellationToken cancellationToken)
    {
        // The crowd's stored positions (cell centres): an update to one of them stays in its cell,
        // as most of the festival's steps do.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = (await connection.QueryAsync<(long Id, double Latitude, double Longitude)>(new CommandDefinition(
            "SELECT member_id, latitude, longitude FROM member_locations WHERE member_id <= @members ORDER BY member_id",
            new { members }, cancellationToken: cancellationToken))).ToList();
        if (stored.Count != members)
            throw new InvalidOperationException($"/floor/mix needs a festival seed of {members} located crowd members; found {stored.Count}");
        var floor = new MixFloor(redis, dataSource, stored.Select(s => (s.Latitude, s.Longitude)).ToArray(), readModel, prefix);
        if (readModel)
            await floor.WriteReadModelAsync(members, cancellationToken);
        app.MapGet("/floor/mix", floor.HandleAsync);
    }

    /// <summary>
    /// The mix's kinds by a request counter, 9 : 3 : 5 : 3 of every 20; <c>?only=location|match|rooms|history</c>
    /// serves one kind alone (the matching benchmark's floor is <c>?only=match</c>), and <c>?only=gate</c> the
    /// Redis call alone: the floor of a read a Redis-resident read model would answer in that call;
    /// <c>?model=redis</c> answers room lists and history pages from such a read model, in that call.
    /// Every kind starts with the one Redis call: a match takes from two buckets, a history page (and
    /// the gate) also reads the room's directory entry.
    /// </summary>
    private async Task<IResult> HandleAsync(string? only, string? model, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref requests);
        var member = Random.Shared.Next(positions.Length) + 1;
        var room = (member + 1) / 2;
        var kind = only ?? (n % 20) switch
        {
            < 9 => "location",
            < 12 => "match",
            < 17 => "rooms",
            _ => "history",
        };
        if (kind is not ("location" or "match" or "rooms" or "history" or "gate"))
            return Results.BadRequest("only: location, match, rooms, history or gate");
        if (model == "redis" && !readModel)
            return Results.BadRequest("model=redis: start the host with MixReadModel=true");
        if (model == "redis" && kind is "rooms" or "history")
        {
            // The read model: the Redis call returns the room list or the page, no statement follows.
            var page = await GateAsync(member, kind == "rooms" ? RoomsKey(member) : PageKey(room), 1);
            return page.IsNull ? Results.StatusCode(429) : Results.Text((string)page!, "application/json");
        }
        var read = kind is "history" or "gate" ? prefix + "room:" + room : null;
        if (await GateAsync(member, read, kind == "match" ? 2 : 1) is { IsNull: true })
            return Results.StatusCode(429);
        return kind switch
        {
            "location" => await LocationAsync(n, cancellationToken),
            "match" => Count(await MatchAsync(member, cancellationToken)),
            "rooms" => Count((await rooms.SummariesAsync(member, null, 50, cancellationToken))?.Count ?? 0),
            "history" => Count((await messages.NewestAsync(room, null, 50, cancellationToken)).Count),
            _ => Count(1), // the gate: a read answered by the Redis call alone, no statement
        };
    }

    private static IResult Count(int count) => Results.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Location updates are written in batches of three (the node's k ≈ 3 at festival ×20): every third writes one.</summary>
    private async Task<IResult> LocationAsync(long n, CancellationToken cancellationToken)
    {
        if (n % 3 != 0)
            return Results.NoContent();
        var batch = Enumerable.Range(0, 3).Select(_ => Random.Shared.Next(positions.Length))
            .Distinct().Select(i => new LocationUpdate(i + 1, positions[i].Latitude, positions[i].Longitude)).ToList();
        await locations.UpdateInPlaceAsync(batch, TimeSpan.FromMinutes(1), cancellationToken);
        return Results.NoContent();
    }

    /// <summary>The draw (MariaDB's buckets) and the shown record; the number of members found.</summary>
    private async Task<int> MatchAsync(int member, CancellationToken cancellationToken)
    {
        var found = await nearby.FindAsync(new NearbyQuery(member, 1000, 4, false), cancellationToken) ?? [];
        if (found.Count > 0)
        {
            // The node's record is one script (add, trim, expire); one ZADD is its round trip with less
            // work in Redis: still a floor.
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await redis.SortedSetAddAsync(prefix + "shown:" + member, found.Select(m => new SortedSetEntry(m.Profile.MemberId, now)).ToArray());
        }
        return found.Count;
    }

    /// <summary>The one Redis call: the key read when there is one (a bulk string), 1 without, null when refused.</summary>
    private async Task<RedisValue> GateAsync(int member, string? read, int buckets)
    {
        RedisKey[] keys = [prefix + "revoked:" + member, read ?? prefix + "none",
            .. Enumerable.Range(0, buckets).Select(b => (RedisKey)$"{prefix}rl:{b}:{member}")];
        RedisValue[] values = [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), .. Enumerable.Repeat(OneBucket, buckets).SelectMany(b => b)];
        var result = await redis.ScriptEvaluateAsync(GateScript, keys, values);
        return result.Resp2Type == ResultType.Integer && (long)result <= 0 ? RedisValue.Null : (RedisValue)result;
    }

    /// <summary>
    /// The read model a Redis-resident design would keep (?model=redis): every crowd member's room list
    /// and every room's newest page as JSON of the repositories' rows (the fields the node's answers
    /// carry), written once at start. The writes that would keep it exact (every message, read mark,
    /// leave and block) are not part of this floor: it measures only what answering from it costs.
    /// </summary>
    private async Task WriteReadModelAsync(int members, CancellationToken cancellationToken)
    {
        var batch = new List<Task>();
        for (var member = 1; member <= members; member++)
        {
            var list = await rooms.SummariesAsync(member, null, 50, cancellationToken) ?? [];
            batch.Add(redis.StringSetAsync(RoomsKey(member), JsonSerializer.Serialize(list), TimeSpan.FromHours(1)));
            if (member % 2 == 1)
            {
                var room = (member + 1) / 2;
                var page = await messages.NewestAsync(room, null, 50, cancellationToken);
                batch.Add(redis.StringSetAsync(PageKey(room), JsonSerializer.Serialize(page), TimeSpan.FromHours(1)));
            }
        }
        await Task.WhenAll(batch);
    }
}
