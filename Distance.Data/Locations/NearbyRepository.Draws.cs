using System.Text;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Locations;

/// <summary>The two places a search draws from (<see cref="NearbyRepository.IDraws"/>).</summary>
public sealed partial class NearbyRepository
{
    /// <summary>The grid buckets in MariaDB: their sizes first, then slots drawn by prefix sums (<see cref="BucketSampler"/>).</summary>
    private sealed class BucketDraws(MySqlConnection connection, NearbyQuery query, Caller caller, IReadOnlyList<BucketSize> buckets,
        CancellationToken cancellationToken) : IDraws
    {
        private readonly BucketSampler sampler = new(buckets);

        public static async Task<BucketDraws> ReadAsync(MySqlConnection connection, NearbyQuery query, Caller caller, int level,
            IReadOnlyCollection<long> cells, CancellationToken cancellationToken)
        {
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
            return new BucketDraws(connection, query, caller, buckets.AsList(), cancellationToken);
        }

        public long Total => sampler.Total;

        public Task<IReadOnlyList<Candidate>> DrawAsync(int count) => CandidatesAsync(connection, DrawnCandidatesSql, new
        {
            me = query.MemberId, gender = caller.WantedGender, womens = caller.WomensUniversity,
            draws = DrawsJson(sampler.Draw(Random.Shared, count)),
        }, cancellationToken);

        public Task<IReadOnlyList<Candidate>> EveryoneAsync() => CandidatesAsync(connection, AllCandidatesSql, new
        {
            me = query.MemberId, gender = caller.WantedGender, womens = caller.WomensUniversity,
            buckets = "[" + string.Join(",", buckets.Select(b => b.Id)) + "]",
        }, cancellationToken);
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

    /// <summary>Thrown when the cell index stops answering in the middle of a search: the search starts over on the buckets.</summary>
    private sealed class IndexLostException() : Exception("The cell index stopped answering during a search.");

    /// <summary>
    /// The cell index (<see cref="ICellIndex"/>): member ids drawn outside MariaDB, then their rows by
    /// primary key, which are the truth: an entry whose member is gone or now in another cell at
    /// this level is stale, is not a candidate (so every member still counts once), and is taken
    /// out of the index after the search.
    /// </summary>
    private sealed class IndexDraws
    {
        private readonly ICellIndex index;
        private readonly NearbyQuery query;
        private readonly Caller caller;
        private readonly CellPool pool;
        private readonly int level;
        private readonly IReadOnlyList<long> cells;
        private readonly CellDraw first;
        private readonly CancellationToken cancellationToken;
        private readonly List<IndexedMember> stale = [];

        private IndexDraws(ICellIndex index, NearbyQuery query, Caller caller, int level, IReadOnlyList<long> cells, CellDraw first,
            CancellationToken cancellationToken)
        {
            (this.index, this.query, this.caller, this.level, this.cells, this.first, this.cancellationToken) =
                (index, query, caller, level, cells, first, cancellationToken);
            pool = Pool(query, caller);
        }

        private static CellPool Pool(NearbyQuery query, Caller caller) =>
            new(query.OtherSchools ? null : caller.SchoolCode, caller.WantedGender, caller.WomensUniversity);

        /// <summary>The first round's draws (or everyone, when that is cheaper); null when the index cannot answer.</summary>
        public static async Task<IndexDraws?> StartAsync(ICellIndex index, NearbyQuery query, Caller caller, int level,
            IReadOnlyList<long> cells, int draws, CancellationToken cancellationToken)
        {
            var first = await index.DrawAsync(Pool(query, caller), level, cells, draws, 2L * draws, cancellationToken);
            return first is null ? null : new IndexDraws(index, query, caller, level, cells, first, cancellationToken);
        }

        /// <summary>The draws, looked up on <paramref name="connection"/> (the replica's or the primary's).</summary>
        public IDraws On(MySqlConnection connection) => new Lookups(this, connection);

        public async Task ForgetStaleAsync()
        {
            if (stale.Count > 0)
                await index.ForgetAsync(pool, level, stale.Distinct().ToList(), cancellationToken);
        }

        private sealed class Lookups(IndexDraws draws, MySqlConnection connection) : IDraws
        {
            private bool firstTaken;

            public long Total => draws.first.Total;

            public async Task<IReadOnlyList<Candidate>> DrawAsync(int count)
            {
                var members = !firstTaken && !draws.first.Everyone && draws.first.Members.Count == count
                    ? draws.first.Members
                    : (await draws.index.DrawAsync(draws.pool, draws.level, draws.cells, count, 0, draws.cancellationToken) ?? throw new IndexLostException()).Members;
                firstTaken = true;
                return await draws.LookUpAsync(connection, members);
            }

            public async Task<IReadOnlyList<Candidate>> EveryoneAsync()
            {
                var everyone = draws.first.Everyone
                    ? draws.first
                    : await draws.index.DrawAsync(draws.pool, draws.level, draws.cells, 0, long.MaxValue, draws.cancellationToken) ?? throw new IndexLostException();
                return await draws.LookUpAsync(connection, everyone.Members);
            }
        }

        private async Task<IReadOnlyList<Candidate>> LookUpAsync(MySqlConnection connection, IReadOnlyList<IndexedMember> members)
        {
            if (members.Count == 0)
                return [];
            var rows = await CandidatesAsync(connection, IndexedCandidatesSql(level), new
            {
                me = query.MemberId, gender = caller.WantedGender, womens = caller.WomensUniversity, school = pool.SchoolCode,
                draws = "[" + string.Join(",", members.Select(m => m.MemberId)) + "]",
            }, cancellationToken);
            // Ordinals count the draws from 1. A row read on a lagging replica can call a fresh entry
            // stale and have it removed: the member's next update in place puts it back (RecentMove).
            var current = rows.Where(r => r.Draw.Cell == members[(int)r.Draw.Ordinal - 1].Cell).ToList();
            var found = current.Select(r => r.Draw.Ordinal).ToHashSet();
            for (var i = 0; i < members.Count; i++)
            {
                if (!found.Contains(i + 1))
                    stale.Add(members[i]);
            }
            return current;
        }
    }
}
