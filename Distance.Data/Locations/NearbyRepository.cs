using System.Globalization;
using System.Text;
using Dapper;
using Distance.Data.Database;
using Distance.Data.Members;
using MySqlConnector;

namespace Distance.Data.Locations;

public sealed record NearbyQuery(long MemberId, int RadiusMeters, int Count, bool OtherSchools);

public sealed record NearbyMatch(PublicProfileRow Profile, double DistanceMeters);

/// <summary>
/// Draws members near a caller uniformly at random from all who qualify (docs/matching.md).
/// The grid buckets of the caller's wanted school/pool and gender that cover the circle are read
/// through their index; then slots are drawn uniformly from their union and only the drawn members
/// are looked up and checked (distance, activity, exclusions). A draw that fails a check is
/// rejected, which keeps the accepted ones uniform over the qualifying members. When rejection
/// would cost more than reading every member of the buckets, every member is read instead.
/// Three round trips in the common case: the caller with its exclusions, the buckets, the draws
/// with their profiles. The caller's own row and exclusions come from the primary (a member sees
/// their own move and their own rooms at once); the buckets and draws may come from the replica.
/// </summary>
public sealed partial class NearbyRepository(MySqlDataSource dataSource, ReadRouting reads)
{
    private const int MaxRounds = 4;
    private const int MaxDrawsPerRound = 1_000;

    internal sealed record Caller(string WantedGender, string SchoolCode, bool WomensUniversity, double? Latitude, double? Longitude, string Excluded)
    {
        /// <summary>Everyone the caller shares a room or a report with, or null when the list was cut short.</summary>
        public List<long>? ExcludedIds()
        {
            var countAndList = Excluded.Split(':', 2);
            var ids = countAndList[1].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList();
            return ids.Count == long.Parse(countAndList[0], CultureInfo.InvariantCulture) ? ids : null;
        }
    }

    // The columns before MemberId; a class, not a record: Dapper converts the ordinal's column type
    // into a property.
    private sealed class Draw
    {
        public long Ordinal { get; init; }
        public double Latitude { get; init; }
        public double Longitude { get; init; }
    }

    private sealed record Candidate(Draw Draw, PublicProfileRepository.Row Profile)
    {
        public long MemberId => Profile.MemberId;

        public NearbyMatch Match(double distance) => new(Profile.ToProfile(), distance);
    }

    /// <summary>
    /// The drawn members with their public profiles, in draw order, or null when the caller has no
    /// location yet.
    /// </summary>
    public async Task<IReadOnlyList<NearbyMatch>?> FindAsync(NearbyQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Everyone the caller shares a room or a report with comes along with the caller: a few
        // index ranges once instead of three lookups for every drawn member later.
        var caller = await connection.QuerySingleOrDefaultAsync<Caller>(new CommandDefinition(
            CallerSql, new { me = query.MemberId }, cancellationToken: cancellationToken));
        if (caller is not { Latitude: { } storedLatitude, Longitude: { } storedLongitude })
            return null;
        // Every distance-dependent step starts from the caller's cell, never the exact point.
        var (latitude, longitude) = CoarsePositions.Snap(storedLatitude, storedLongitude);
        var excluded = (caller.ExcludedIds() ?? await connection.QueryAsync<long>(new CommandDefinition(
            ExclusionsSql, new { me = query.MemberId }, cancellationToken: cancellationToken))).ToHashSet();
        excluded.Add(query.MemberId);

        return await reads.ReadAsync(connection, candidates =>
            FromBucketsAsync(candidates, query, caller, latitude, longitude, excluded, cancellationToken), cancellationToken);
    }

    private static async Task<IReadOnlyList<NearbyMatch>> FromBucketsAsync(MySqlConnection connection, NearbyQuery query, Caller caller,
        double latitude, double longitude, HashSet<long> excluded, CancellationToken cancellationToken)
    {
        // Locations stored before v2 are exact and sit in the buckets of their exact point, up to
        // MaxSnapMeters from the cell centre that decides: the cover reaches that much further.
        var (level, cells) = GeoGrid.Cover(latitude, longitude, query.RadiusMeters + CoarsePositions.MaxSnapMeters);
        var ranges = new CellRanges(cells);
        var parameters = ranges.ParametersWith(new
        {
            school = caller.SchoolCode,
            gender = caller.WantedGender,
            womens = caller.WomensUniversity,
            level,
        });
        var buckets = await connection.QueryAsync<BucketSize>(new CommandDefinition(
            query.OtherSchools ? PoolBucketsSql(ranges.Count) : SchoolBucketsSql(ranges.Count), parameters, cancellationToken: cancellationToken));
        var bucketList = buckets.AsList();
        var sampler = new BucketSampler(bucketList);
        if (sampler.Total == 0)
            return [];

        var search = new Search(connection, query, caller, latitude, longitude, excluded, cancellationToken);
        // Expected share of drawn members that qualify: the circle's part of the cover, and a
        // guess for the other checks. It only sizes the rounds; it does not affect who is drawn.
        var coverArea = cells.Count * GeoGrid.NominalCellArea(level);
        var expected = Math.Clamp(Math.PI * query.RadiusMeters * query.RadiusMeters / coverArea, 0.05, 1) * 0.7;
        var draws = (int)Math.Ceiling(query.Count / expected) + 2;
        if (sampler.Total <= 2L * draws)
            return await search.EveryoneAsync(bucketList);
        return await search.DrawAsync(sampler, draws) ?? await search.EveryoneAsync(bucketList);
    }

    private sealed class Search(MySqlConnection connection, NearbyQuery query, Caller caller, double latitude, double longitude,
        HashSet<long> excluded, CancellationToken cancellationToken)
    {
        /// <summary>
        /// Rounds of independent uniform draws, keeping the first <c>Count</c> distinct members that
        /// qualify in draw order. Null when that takes more lookups than reading everyone would.
        /// </summary>
        public async Task<IReadOnlyList<NearbyMatch>?> DrawAsync(BucketSampler sampler, int draws)
        {
            var chosen = new List<NearbyMatch>(query.Count);
            var chosenIds = new HashSet<long>();
            long drawn = 0, qualified = 0;
            for (var round = 0; round < MaxRounds; round++)
            {
                drawn += draws;
                var rows = await CandidatesAsync(DrawnCandidatesSql, new
                {
                    me = query.MemberId, gender = caller.WantedGender, womens = caller.WomensUniversity,
                    draws = DrawsJson(sampler.Draw(Random.Shared, draws)),
                });
                foreach (var row in rows.OrderBy(r => r.Draw.Ordinal))
                {
                    if (Distance(row) is not { } distance)
                        continue;
                    qualified++;
                    if (chosen.Count < query.Count && chosenIds.Add(row.MemberId))
                        chosen.Add(row.Match(distance));
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
        public async Task<IReadOnlyList<NearbyMatch>> EveryoneAsync(IEnumerable<BucketSize> buckets)
        {
            var rows = await CandidatesAsync(AllCandidatesSql, new
            {
                me = query.MemberId, gender = caller.WantedGender, womens = caller.WomensUniversity,
                buckets = "[" + string.Join(",", buckets.Select(b => b.Id)) + "]",
            });
            // Profiles (their tags and hobbies are JSON) are built only for the members taken.
            var qualifying = rows.Select(r => (Row: r, Distance: Distance(r))).Where(q => q.Distance is not null).ToArray();
            // A partial Fisher-Yates shuffle: the first Count places get a uniform random sample.
            var take = Math.Min(query.Count, qualifying.Length);
            for (var i = 0; i < take; i++)
            {
                var j = Random.Shared.Next(i, qualifying.Length);
                (qualifying[i], qualifying[j]) = (qualifying[j], qualifying[i]);
            }
            return qualifying[..take].Select(q => q.Row.Match(q.Distance!.Value)).ToList();
        }

        private async Task<IEnumerable<Candidate>> CandidatesAsync(string sql, object parameters) =>
            await connection.QueryAsync<Draw, PublicProfileRepository.Row, Candidate>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken),
                (draw, profile) => new Candidate(draw, profile), splitOn: nameof(PublicProfileRepository.Row.MemberId));

        /// <summary>
        /// The coarse distance (CoarsePositions: between the two cells, at least 100 m) when the
        /// candidate qualifies (within the radius, not excluded), else null.
        /// </summary>
        private double? Distance(Candidate row)
        {
            if (excluded.Contains(row.MemberId))
                return null;
            var distance = CoarsePositions.DistanceMeters(latitude, longitude, row.Draw.Latitude, row.Draw.Longitude);
            return distance <= query.RadiusMeters ? distance : null;
        }
    }

    /// <summary>The draws as the JSON that <see cref="DrawnCandidatesSql"/> reads: [[bucketId, slot], ...].</summary>
    internal static string DrawsJson(IReadOnlyList<SlotDraw> draws)
    {
        var json = new StringBuilder(draws.Count * 16).Append('[');
        foreach (var draw in draws)
            json.Append('[').Append(draw.BucketId).Append(',').Append(draw.Slot).Append("],");
        json[^1] = ']';
        return json.ToString();
    }
}
