using Distance.Data.Members;
using Distance.Data.Safety;

namespace Distance.Data.Locations;

/// <summary>The statements of <see cref="NearbyRepository"/>; internal so a test can EXPLAIN them.</summary>
public sealed partial class NearbyRepository
{
    // Members the caller shares a room (active or inactive) with, or whom a block or a report
    // bars (MeetingRules, either direction): never matched. Index ranges: the room pair key and
    // its second column's index, then MeetingRules' four.
    internal const string ExclusionsSql = $"""
        SELECT member_high AS id FROM rooms WHERE member_low = @me
        UNION ALL SELECT member_low FROM rooms WHERE member_high = @me
        UNION ALL {MeetingRules.BarredSql}
        """;

    // The caller and, in the same statement, everyone excluded from the caller's matches: one
    // statement instead of two (each costs MariaDB more than the few index reads in it). The list
    // comes as "count:id,id,..." because GROUP_CONCAT cuts at group_concat_max_len (1 MB by
    // default): the count tells a cut list from a whole one.
    internal static readonly string CallerSql = $"""
        SELECT {MeetingRules.WantedGender("m", "s")} AS WantedGender, m.school_code AS SchoolCode, s.womens_university AS WomensUniversity,
               l.latitude AS Latitude, l.longitude AS Longitude,
               (SELECT CONCAT(COUNT(*), ':', COALESCE(GROUP_CONCAT(e.id), '')) FROM ({ExclusionsSql}) e) AS Excluded
        FROM members m
        JOIN schools s ON s.code = m.school_code
        LEFT JOIN member_locations l ON l.member_id = m.id
        WHERE m.id = @me
        """;

    // Same school: the candidate's school equals the caller's, so the women's-university rule
    // holds for both sides by itself. Primary-key ranges, one per run of consecutive cells.
    internal static string SchoolBucketsSql(int cellRanges) => $"""
        SELECT b.id AS Id, b.size AS Size
        FROM location_buckets b
        WHERE b.school_code = @school AND b.gender = @gender AND b.level = @level
          AND {CellRanges.Condition("b.cell", cellRanges)} AND b.size > 0
        """;

    // Other schools too: every school whose women's-university flag equals the caller's. Ranges
    // of the pool index, which holds id and size too.
    internal static string PoolBucketsSql(int cellRanges) => $"""
        SELECT b.id AS Id, b.size AS Size
        FROM location_buckets b
        WHERE b.womens_university = @womens AND b.gender = @gender AND b.level = @level
          AND {CellRanges.Condition("b.cell", cellRanges)} AND b.size > 0
        """;

    // The checks every drawn member must pass in SQL: MeetingRules' candidate rule (status and
    // gender; the buckets hold the wanted gender and flag already, so this only costs a compare
    // on rows read anyway) and activity: a location update or a login within the last 7 days
    // (both write members.last_active_at). The distance and the exclusions above are checked in C#.
    private static readonly string Checks = $"""
        WHERE s.member_id <> @me
          AND {MeetingRules.Candidate("@gender", "@womens")}
          AND m.last_active_at >= UTC_TIMESTAMP(3) - INTERVAL 7 DAY
        """;

    // A candidate row: its ordinal and point (for the distance), then from MemberId on the public
    // profile, read from the members row that the checks read anyway, so a match needs no
    // further round trip for profiles. NearbyRepository splits the row at MemberId.
    private const string CandidateColumns = $"""
        l.latitude AS Latitude, l.longitude AS Longitude, {PublicProfileRepository.Columns}
        """;

    // Drawn slots are looked up by primary key; a slot may be drawn more than once.
    internal static readonly string DrawnCandidatesSql = $"""
        SELECT d.n AS Ordinal, {CandidateColumns}
        FROM JSON_TABLE(@draws, '$[*]' COLUMNS (n FOR ORDINALITY, bucket_id BIGINT PATH '$[0]', slot INT PATH '$[1]')) d
        JOIN location_slots s ON s.bucket_id = d.bucket_id AND s.slot = d.slot
        JOIN member_locations l ON l.member_id = s.member_id
        JOIN members m ON m.id = s.member_id
        JOIN schools sc ON sc.code = m.school_code
        {Checks}
        """;

    internal static readonly string AllCandidatesSql = $"""
        SELECT 0 AS Ordinal, {CandidateColumns}
        FROM JSON_TABLE(@buckets, '$[*]' COLUMNS (bucket_id BIGINT PATH '$')) b
        JOIN location_slots s ON s.bucket_id = b.bucket_id
        JOIN member_locations l ON l.member_id = s.member_id
        JOIN members m ON m.id = s.member_id
        JOIN schools sc ON sc.code = m.school_code
        {Checks}
        """;

    // The index's draws by member id: every row that exists, with its cell at the cover's level
    // (a draw whose cell differs is a stale entry) and whether it passes the checks above (one
    // row for each draw that has one, so the stale ones can be told apart and taken out). The
    // index holds one school's (or one flag's) members of one gender, but a stale entry could
    // only be wrong about the cell: school, gender and flag are checked again all the same.
    internal static string IndexedCandidatesSql(int level) => $"""
        SELECT d.n AS Ordinal, l.cell{level} AS Cell,
               (m.id <> @me AND {MeetingRules.Candidate("@gender", "@womens")}
                AND (@school IS NULL OR m.school_code = @school)
                AND m.last_active_at >= UTC_TIMESTAMP(3) - INTERVAL 7 DAY) AS Qualifies,
               {CandidateColumns}
        FROM JSON_TABLE(@draws, '$[*]' COLUMNS (n FOR ORDINALITY, member_id BIGINT PATH '$')) d
        JOIN member_locations l ON l.member_id = d.member_id
        JOIN members m ON m.id = d.member_id
        JOIN schools sc ON sc.code = m.school_code
        """;
}
