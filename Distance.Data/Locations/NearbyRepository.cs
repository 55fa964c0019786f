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
/// The members of the caller's wanted school/pool and gender in the cells that cover the circle
/// are drawn uniformly from their union, and only the drawn members are looked up and checked
/// (distance, activity, exclusions). A draw that fails a check is rejected, which keeps the
/// accepted ones uniform over the qualifying members. When rejection would cost more than reading
/// every member of the cover, every member is read instead.
/// The draws come from the cell index in Redis when there is one (<see cref="ICellIndex"/>: two
/// statements per match, the caller and the drawn rows), else from the grid buckets in MariaDB
/// (three: the caller, the buckets, the drawn slots). The caller's own row and exclusions come
/// from the primary (a member sees their own move and their own rooms at once); the drawn rows
/// may come from the replica.
/// </summary>
public sealed partial class NearbyRepository(MySqlDataSource dataSource, ReadRouting reads, ICellIndex? index = null)
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
    // into a property. Cell and Qualifies come only from the index's statement: the bucket
    // statements check everything in SQL and return qualifying rows only.
    private sealed class Draw
    {
        public long Ordinal { get; init; }
        public long Cell { get; init; }
        public bool Qualifies { get; init; } = true;
        public double Latitude { get; init; }
        public double Longitude { get; init; }
    }

    private sealed record Candidate(Draw Draw, PublicProfileRepository.Row Profile)
    {
        public long MemberId => Profile.MemberId;

        public NearbyMatch Match(double distance) => new(Profile.ToProfile(), distance);
    }

    /// <summary>Where a search draws from: the cell index or the buckets.</summary>
    private interface IDraws
    {
        /// <summary>Members in the cover, drawable or not.</summary>
        long Total { get; }

        /// <summary>The rows of <paramref name="count"/> uniform draws, in draw order (rows that fail a check may be missing).</summary>
        Task<IReadOnlyList<Candidate>> DrawAsync(int count);

        /// <summary>The rows of every member in the cover.</summary>
        Task<IReadOnlyList<Candidate>> EveryoneAsync();
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

        // Locations stored before v2 are exact and sit in the cells of their exact point, up to
        // MaxSnapMeters from the cell centre that decides: the cover reaches that much further.
        var (level, cells) = GeoGrid.Cover(latitude, longitude, query.RadiusMeters + CoarsePositions.MaxSnapMeters);
        // Expected share of drawn members that qualify: the circle's part of the cover, and a
        // guess for the other checks. It only sizes the rounds; it does not affect who is drawn.
        var coverArea = cells.Count * GeoGrid.NominalCellArea(level);
        var expected = Math.Clamp(Math.PI * query.RadiusMeters * query.RadiusMeters / coverArea, 0.05, 1) * 0.7;
        var draws = (int)Math.Ceiling(query.Count / expected) + 2;
        var search = new Search(query, latitude, longitude, excluded);

        if (index is not null && await IndexDraws.StartAsync(index, query, caller, level, cells, draws, cancellationToken) is { } indexed)
        {
            try
            {
                var found = await reads.ReadAsync(connection, candidates => search.RunAsync(indexed.On(candidates), draws), cancellationToken);
                await indexed.ForgetStaleAsync();
                return found;
            }
            catch (IndexLostException)
            {
                // Redis went away between two rounds: the buckets answer this one.
            }
        }
        return await reads.ReadAsync(connection, async candidates =>
            await search.RunAsync(await BucketDraws.ReadAsync(candidates, query, caller, level, cells, cancellationToken), draws), cancellationToken);
    }

    private sealed class Search(NearbyQuery query, double latitude, double longitude, HashSet<long> excluded)
    {
        public async Task<IReadOnlyList<NearbyMatch>> RunAsync(IDraws source, int draws)
        {
            if (source.Total == 0)
                return [];
            if (source.Total <= 2L * draws)
                return await EveryoneAsync(source);
            return await DrawAsync(source, draws) ?? await EveryoneAsync(source);
        }

        /// <summary>
        /// Rounds of independent uniform draws, keeping the first <c>Count</c> distinct members that
        /// qualify in draw order. Null when that takes more lookups than reading everyone would.
        /// </summary>
        private async Task<IReadOnlyList<NearbyMatch>?> DrawAsync(IDraws source, int draws)
        {
            var chosen = new List<NearbyMatch>(query.Count);
            var chosenIds = new HashSet<long>();
            long drawn = 0, qualified = 0;
            for (var round = 0; round < MaxRounds; round++)
            {
                drawn += draws;
                foreach (var row in (await source.DrawAsync(draws)).OrderBy(r => r.Draw.Ordinal))
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
                if (drawn + draws >= source.Total)
                    break;
            }
            return null;
        }

        /// <summary>Reads every member of the cover and draws from those who qualify.</summary>
        private async Task<IReadOnlyList<NearbyMatch>> EveryoneAsync(IDraws source)
        {
            var rows = await source.EveryoneAsync();
            // Profiles (their tags and hobbies are JSON) are built only for the members taken.
            var qualifying = rows.DistinctBy(r => r.MemberId)
                .Select(r => (Row: r, Distance: Distance(r))).Where(q => q.Distance is not null).ToArray();
            // A partial Fisher-Yates shuffle: the first Count places get a uniform random sample.
            var take = Math.Min(query.Count, qualifying.Length);
            for (var i = 0; i < take; i++)
            {
                var j = Random.Shared.Next(i, qualifying.Length);
                (qualifying[i], qualifying[j]) = (qualifying[j], qualifying[i]);
            }
            return qualifying[..take].Select(q => q.Row.Match(q.Distance!.Value)).ToList();
        }

        /// <summary>
        /// The coarse distance (CoarsePositions: between the two cells, at least 100 m) when the
        /// candidate qualifies (within the radius, not excluded), else null.
        /// </summary>
        private double? Distance(Candidate row)
        {
            if (!row.Draw.Qualifies || excluded.Contains(row.MemberId))
                return null;
            var distance = CoarsePositions.DistanceMeters(latitude, longitude, row.Draw.Latitude, row.Draw.Longitude);
            return distance <= query.RadiusMeters ? distance : null;
        }
    }

    private static async Task<IReadOnlyList<Candidate>> CandidatesAsync(MySqlConnection connection, string sql, object parameters,
        CancellationToken cancellationToken) =>
        (await connection.QueryAsync<Draw, PublicProfileRepository.Row, Candidate>(
            new CommandDefinition(sql, parameters, cancellationToken: cancellationToken),
            (draw, profile) => new Candidate(draw, profile), splitOn: nameof(PublicProfileRepository.Row.MemberId))).AsList();
}
