namespace Distance.Data.Safety;

/// <summary>
/// Who may meet whom (contract v2, "Who meets whom"): the one rule set that matching
/// (<see cref="Locations.NearbyRepository"/>) and rooms, requests and their acceptance
/// (<see cref="Rooms.RoomCreationRepository"/>) both apply, as SQL they splice in, so the two can
/// never drift apart. Apart from distance and activity, which only matching applies:
/// <list type="bullet">
/// <item>never across a block or a report, in either direction (<see cref="BarredSql"/>);</item>
/// <item>never with a suspended, banned (deactivated) or deleted (no row) member;</item>
/// <item>the gender rule: a member of a women's university meets the same gender, everyone else
/// the other gender, and both sides' schools agree on the women's-university flag, so the rule
/// holds from either side.</item>
/// </list>
/// </summary>
public static class MeetingRules
{
    /// <summary>
    /// Everyone <c>@me</c> may never meet for a block or a report in either direction: four index
    /// ranges (the blocks key and its blocked index, the reports key and its reporter index).
    /// </summary>
    internal const string BarredSql = """
        SELECT blocked_id AS id FROM blocks WHERE blocker_id = @me
        UNION ALL SELECT blocker_id FROM blocks WHERE blocked_id = @me
        UNION ALL SELECT reporter_id FROM reports WHERE reported_id = @me
        UNION ALL SELECT reported_id FROM reports WHERE reporter_id = @me
        """;

    /// <summary>The gender that a member (alias <paramref name="member"/>, its school <paramref name="school"/>) meets.</summary>
    internal static string WantedGender(string member, string school) =>
        $"IF({school}.womens_university, {member}.gender, IF({member}.gender = 'male', 'female', 'male'))";

    /// <summary>
    /// The candidate <c>m</c> (with its school <c>sc</c>) may be met by someone who wants
    /// <paramref name="gender"/> and whose school's women's-university flag is <paramref name="womens"/>
    /// (SQL expressions: parameters or another member's columns).
    /// </summary>
    internal static string Candidate(string gender, string womens) =>
        $"m.deactivated_at IS NULL AND m.gender = {gender} AND sc.womens_university = {womens}";

    /// <summary>
    /// 1 when <c>@me</c> and <c>@other</c> may meet, whatever their distance: both exist and are
    /// active, the gender rule holds, and nothing bars the pair. Primary-key reads and the four
    /// ranges of <see cref="BarredSql"/>.
    /// </summary>
    internal static readonly string PairSql = $"""
        SELECT EXISTS (
          SELECT 1
          FROM members me JOIN schools ms ON ms.code = me.school_code
          JOIN members m ON m.id = @other JOIN schools sc ON sc.code = m.school_code
          WHERE me.id = @me AND me.deactivated_at IS NULL AND m.id <> me.id
            AND {Candidate(WantedGender("me", "ms"), "ms.womens_university")}
            AND @other NOT IN ({BarredSql}))
        """;
}
