using System.Globalization;
using Distance.Data.Locations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Matching;

/// <summary>
/// The grid as Redis sets (issue 20: the draw off MariaDB). A member is in two sets per level: its
/// school's and gender's (<c>cells:s:{school}:{gender}:{level}:{cell}</c>), and its women's-university
/// flag's and gender's (<c>cells:p:{flag}:{gender}:{level}:{cell}</c>) for callers who accept other
/// schools. A draw is one script: the sizes of the cover's sets, then for each draw a set picked
/// by prefix sums of the sizes and a random member of it (SRANDMEMBER), so every entry of the cover
/// is equally likely; it never reads a whole set unless the cover holds at most the few members
/// the caller would read anyway. MariaDB stays the truth (<see cref="ICellIndex"/>): the writes here
/// follow commits and may be lost (a Redis failover, a crash between the two), so a member's updates
/// in place assert its entries again for a while after it changed cells, stale entries found by a
/// draw are removed, and
/// <see cref="CellIndexBuilder"/> rebuilds the sets from MariaDB when the built marker is missing.
/// </summary>
public sealed partial class CellIndex(IDatabase redis, IOptions<MatchingOptions> options, ILogger<CellIndex> logger) : ICellIndex
{
    internal const string BuiltKey = "cells:built";

    /// <summary>False when Matching:CellIndex is off: nothing is written, and no draw is answered.</summary>
    public bool Enabled => options.Value.CellIndex;

    public async Task<CellDraw?> DrawAsync(CellPool pool, int level, IReadOnlyList<long> cells, int draws, long everyoneAtMost,
        CancellationToken cancellationToken)
    {
        if (!Enabled)
            return null;
        var keys = new RedisKey[cells.Count + 1];
        keys[0] = BuiltKey;
        var i = 1;
        foreach (var cell in cells)
            keys[i++] = PoolKey(pool, level, cell);
        // The random positions come from here: a script's own random numbers are not trusted to differ between calls.
        var values = new RedisValue[draws + 1];
        values[0] = everyoneAtMost;
        for (var d = 1; d <= draws; d++)
            values[d] = Random.Shared.NextDouble();
        RedisResult result;
        try
        {
            result = await redis.ScriptEvaluateAsync(DrawScript, keys, values).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogUnavailable(exception.GetType().Name);
            return null;
        }
        if (result.IsNull)
            return null;
        var reply = (RedisResult[])result!;
        var total = (long)reply[0];
        var everyone = (long)reply[1] == 1;
        var members = new IndexedMember[(reply.Length - 2) / 2];
        for (var m = 0; m < members.Length; m++)
            members[m] = new IndexedMember(long.Parse((string)reply[3 + 2 * m]!, CultureInfo.InvariantCulture), cells[(int)reply[2 + 2 * m] - 1]);
        return new CellDraw(total, everyone, members);
    }

    public async Task ForgetAsync(CellPool pool, int level, IReadOnlyCollection<IndexedMember> stale, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(stale.Select(s => (PoolKey(pool, level, s.Cell), (RedisValue)("-" + s.MemberId))).ToList(), cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The match is answered anyway; the next draw that finds these entries tries again.
            LogForgetFailed(stale.Count, exception.GetType().Name);
        }
    }

    /// <summary>Asserts the members' entries at their current cells (idempotent): repairs what a lost write left out.</summary>
    public Task PlaceAsync(IReadOnlyCollection<MemberPlacement> placements, CancellationToken cancellationToken) =>
        ApplyAsync(placements.SelectMany(p => Keys(p).Select(key => (key, (RedisValue)p.MemberId))).ToList(), cancellationToken);

    /// <summary>Moves a member's entries from the cells it left to those it entered.</summary>
    public Task MoveAsync(LocationMove move, CancellationToken cancellationToken)
    {
        var leave = move.Before is null ? [] : Keys(move.Before).Except(Keys(move.After)).Select(key => (key, (RedisValue)("-" + move.Before.MemberId)));
        var enter = Keys(move.After).Select(key => (key, (RedisValue)move.After.MemberId));
        return ApplyAsync(leave.Concat(enter).ToList(), cancellationToken);
    }

    private async Task ApplyAsync(IReadOnlyList<(RedisKey Key, RedisValue Change)> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0 || !Enabled)
            return;
        await redis.ScriptEvaluateAsync(ApplyScript, changes.Select(c => c.Key).ToArray(), changes.Select(c => c.Change).ToArray())
            .WaitAsync(cancellationToken);
    }

    private static IEnumerable<RedisKey> Keys(MemberPlacement placement)
    {
        var school = new CellPool(placement.SchoolCode, placement.Gender, placement.WomensUniversity);
        var flag = school with { SchoolCode = null };
        for (var level = 0; level < placement.Cells.Length; level++)
        {
            yield return PoolKey(school, level, placement.Cells[level]);
            yield return PoolKey(flag, level, placement.Cells[level]);
        }
    }

    internal static RedisKey PoolKey(CellPool pool, int level, long cell) => pool.SchoolCode is { } school
        ? $"cells:s:{school}:{pool.Gender}:{level}:{cell}"
        : $"cells:p:{(pool.WomensUniversity ? 1 : 0)}:{pool.Gender}:{level}:{cell}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "The cell index did not answer ({Error}); the draw reads MariaDB's buckets")]
    private partial void LogUnavailable(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not remove {Count} stale entries from the cell index ({Error}); a later draw will")]
    private partial void LogForgetFailed(int count, string error);
}
