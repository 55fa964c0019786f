using System.Text;
using Dapper;
using Distance.Data.Members;
using MySqlConnector;

namespace Distance.Data.Locations;

public sealed record NearbyQuery(long MemberId, int RadiusMeters, int Count, bool OtherSchools);

public sealed record NearbyMember(long MemberId, double DistanceMeters);

public sealed record NearbyMatch(PublicProfileRow Profile, double DistanceMeters);

/// <summary>
/// Draws members near a caller uniformly at random from all who qualify (docs/matching.md).
/// The grid buckets of the caller's wanted school/pool and gender that cover the circle are read
/// through their index; then slots are drawn uniformly from their union and only the drawn members
/// are looked up and checked (distance, activity, exclusions). A draw that fails a check is
/// rejected, which keeps the accepted ones uniform over the qualifying members. When rejection
/// would cost more than reading every member of the buckets, every member is read instead.
/// </summary>
public sealed partial class NearbyRepository(MySqlDataSource dataSource, PublicProfileRepository profiles)
{
    private const int MaxRounds = 4;
    private const int MaxDrawsPerRound = 1_000;

    private sealed record Caller(string Gender, string SchoolCode, bool WomensUniversity, double? Latitude, double? Longitude);

    // A class, not a record: Dapper converts the ordinal's column type into a property.
    private sealed class Candidate
    {
        public long Ordinal { get; init; }
        public long MemberId { get; init; }
        public double Latitude { get; init; }
        public double Longitude { get; init; }
    }

    /// <summary>
    /// The drawn members with their public profiles, in draw order, or null when the caller has no
    /// location yet. A member deleted since the draw has no profile any more and is left out.
    /// </summary>
    public async Task<IReadOnlyList<NearbyMatch>?> FindAsync(NearbyQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var drawn = await DrawAsync(connection, query, cancellationToken);
        if (drawn is null)
            return null;
        var rows = await profiles.FindAsync(drawn.Select(m => m.MemberId).ToList(), connection, cancellationToken);
        return drawn.Where(m => rows.ContainsKey(m.MemberId)).Select(m => new NearbyMatch(rows[m.MemberId], m.DistanceMeters)).ToList();
    }

    private static async Task<IReadOnlyList<NearbyMember>?> DrawAsync(MySqlConnection connection, NearbyQuery query, CancellationToken cancellationToken)
    {
        // The caller, and everyone the caller shares a room or a report with, in one round trip:
        // a few index ranges here instead of three lookups for every drawn member later.
        Caller? caller;
        HashSet<long> excluded;
        await using (var batch = await connection.QueryMultipleAsync(new CommandDefinition(
                         CallerAndExclusionsSql, new { me = query.MemberId }, cancellationToken: cancellationToken)))
        {
            caller = await batch.ReadSingleOrDefaultAsync<Caller>();
            excluded = (await batch.ReadAsync<long>()).ToHashSet();
        }
        if (caller is not { Latitude: { } latitude, Longitude: { } longitude })
            return null;
        excluded.Add(query.MemberId);

        var (level, cells) = GeoGrid.Cover(latitude, longitude, query.RadiusMeters);
        var buckets = await connection.QueryAsync<BucketSize>(new CommandDefinition(query.OtherSchools ? PoolBucketsSql : SchoolBucketsSql, new
        {
            school = caller.SchoolCode,
            gender = MatchingRules.WantedGender(caller.Gender, caller.WomensUniversity),
            womens = caller.WomensUniversity,
            level,
            cells = "[" + string.Join(",", cells) + "]",
        }, cancellationToken: cancellationToken));
        var bucketList = buckets.AsList();
        var sampler = new BucketSampler(bucketList);
        if (sampler.Total == 0)
            return [];

        var search = new Search(connection, query, latitude, longitude, excluded, cancellationToken);
        // Expected share of drawn members that qualify: the circle's part of the cover, and a
        // guess for the other checks. It only sizes the rounds; it does not affect who is drawn.
        var coverArea = cells.Count * GeoGrid.NominalCellArea(level);
        var expected = Math.Clamp(Math.PI * query.RadiusMeters * query.RadiusMeters / coverArea, 0.05, 1) * 0.7;
        var draws = (int)Math.Ceiling(query.Count / expected) + 2;
        if (sampler.Total <= 2L * draws)
            return await search.EveryoneAsync(bucketList);
        return await search.DrawAsync(sampler, draws) ?? await search.EveryoneAsync(bucketList);
    }

    private sealed class Search(MySqlConnection connection, NearbyQuery query, double latitude, double longitude,
        HashSet<long> excluded, CancellationToken cancellationToken)
    {
        /// <summary>
        /// Rounds of independent uniform draws, keeping the first <c>Count</c> distinct members that
        /// qualify in draw order. Null when that takes more lookups than reading everyone would.
        /// </summary>
        public async Task<IReadOnlyList<NearbyMember>?> DrawAsync(BucketSampler sampler, int draws)
        {
            var chosen = new List<NearbyMember>(query.Count);
            var chosenIds = new HashSet<long>();
            long drawn = 0, qualified = 0;
            for (var round = 0; round < MaxRounds; round++)
            {
                drawn += draws;
                var rows = await connection.QueryAsync<Candidate>(new CommandDefinition(DrawnCandidatesSql, new
                {
                    me = query.MemberId, draws = Json(sampler.Draw(Random.Shared, draws)),
                }, cancellationToken: cancellationToken));
                foreach (var row in rows.OrderBy(r => r.Ordinal))
                {
                    if (Distance(row) is not { } distance)
                        continue;
                    qualified++;
                    if (chosen.Count < query.Count && chosenIds.Add(row.MemberId))
                        chosen.Add(new NearbyMember(row.MemberId, distance));
                }
                if (chosen.Count == query.Count)
                    return chosen;
                var rate = Math.Max(qualified, 0.5) / drawn;
                draws = (int)Math.Min(MaxDrawsPerRound, Math.Ceiling((query.Count - chosen.Count) / rate * 1.5) + 2);
                if (drawn + draws >= sampler.Total)
                    break;
            }
            return null;
        }

        /// <summary>Reads every member of the buckets and draws from those who qualify.</summary>
        public async Task<IReadOnlyList<NearbyMember>> EveryoneAsync(IEnumerable<BucketSize> buckets)
        {
            var rows = await connection.QueryAsync<Candidate>(new CommandDefinition(AllCandidatesSql, new
            {
                me = query.MemberId, buckets = "[" + string.Join(",", buckets.Select(b => b.Id)) + "]",
            }, cancellationToken: cancellationToken));
            var qualifying = rows.Select(r => Distance(r) is { } d ? new NearbyMember(r.MemberId, d) : null).OfType<NearbyMember>().ToArray();
            // A partial Fisher-Yates shuffle: the first Count places get a uniform random sample.
            var take = Math.Min(query.Count, qualifying.Length);
            for (var i = 0; i < take; i++)
            {
                var j = Random.Shared.Next(i, qualifying.Length);
                (qualifying[i], qualifying[j]) = (qualifying[j], qualifying[i]);
            }
            return qualifying[..take];
        }

        /// <summary>The distance when the candidate qualifies (within the radius, not excluded), else null.</summary>
        private double? Distance(Candidate row)
        {
            if (excluded.Contains(row.MemberId))
                return null;
            var distance = GeoGrid.DistanceMeters(latitude, longitude, row.Latitude, row.Longitude);
            return distance > 0 && distance <= query.RadiusMeters ? distance : null;
        }

        private static string Json(IReadOnlyList<SlotDraw> draws)
        {
            var json = new StringBuilder(draws.Count * 16).Append('[');
            foreach (var draw in draws)
                json.Append('[').Append(draw.BucketId).Append(',').Append(draw.Slot).Append("],");
            json[^1] = ']';
            return json.ToString();
        }
    }
}
