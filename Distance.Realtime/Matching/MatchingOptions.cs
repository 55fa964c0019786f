using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Matching;

public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>
    /// A location update refreshes members.last_active_at at most this often, so clients that
    /// report every few seconds do not rewrite the members row each time. Far below the 7-day
    /// activity window, so staleness is unaffected.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ActivityWriteInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many location updates share one statement and commit (<see cref="LocationWriter"/>).</summary>
    [Range(1, 1_000)]
    public int LocationBatchSize { get; set; } = 200;

    /// <summary>
    /// How long a flush waits for more updates before it writes a batch that is not full: a few
    /// milliseconds of latency buy fewer, larger commits at moderate load.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:00.100")]
    public TimeSpan LocationBatchLinger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Draw matches from the cell index in Redis (<see cref="CellIndex"/>) instead of MariaDB's
    /// buckets: two statements per match instead of three (issue 20). Off, the index is neither
    /// written nor read.
    /// </summary>
    public bool CellIndex { get; set; } = true;

    /// <summary>How often a node checks that the cell index is built, and rebuilds it when it is not.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CellIndexCheckInterval { get; set; } = TimeSpan.FromSeconds(10);
}
