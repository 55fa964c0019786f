namespace Distance.Data.Locations;

/// <summary>
/// Whom a member is placed with in matching: its school, gender and women's-university flag (which
/// never change) and its cell at each grid level (GeoGrid.Levels).
/// </summary>
public sealed record MemberPlacement(long MemberId, string SchoolCode, string Gender, bool WomensUniversity, long[] Cells);

/// <summary>
/// The pool a caller draws from: members of <paramref name="Gender"/> at one school, or, when
/// <paramref name="SchoolCode"/> is null, at every school whose women's-university flag is
/// <paramref name="WomensUniversity"/>.
/// </summary>
public sealed record CellPool(string? SchoolCode, string Gender, bool WomensUniversity);

/// <summary>A member as the index holds it: in the set of <paramref name="Cell"/> at the queried level.</summary>
public readonly record struct IndexedMember(long MemberId, long Cell);

/// <summary>
/// <paramref name="Total"/> index entries in the cover; <paramref name="Members"/> are all of them
/// when <paramref name="Everyone"/>, else independent uniform draws from them (with repeats).
/// </summary>
public sealed record CellDraw(long Total, bool Everyone, IReadOnlyList<IndexedMember> Members);

/// <summary>
/// A copy of the grid outside MariaDB that draws members uniformly from a cover's cells without a
/// statement per match (issue 20). MariaDB stays the truth: every drawn member is checked against
/// its row, so a stale entry (a member since moved or gone) is only a rejected draw, and the index
/// may be rebuilt from <c>member_locations</c> at any time.
/// </summary>
public interface ICellIndex
{
    /// <summary>
    /// Every member of the pool in <paramref name="cells"/> of <paramref name="level"/> when there
    /// are at most <paramref name="everyoneAtMost"/>, else <paramref name="draws"/> uniform draws.
    /// Null when the index cannot answer (not built yet, or unreachable): the caller reads MariaDB.
    /// </summary>
    Task<CellDraw?> DrawAsync(CellPool pool, int level, IReadOnlyList<long> cells, int draws, long everyoneAtMost,
        CancellationToken cancellationToken);

    /// <summary>Takes entries out that the draw found stale: the member is no longer in that cell (or gone).</summary>
    Task ForgetAsync(CellPool pool, int level, IReadOnlyCollection<IndexedMember> stale, CancellationToken cancellationToken);
}
