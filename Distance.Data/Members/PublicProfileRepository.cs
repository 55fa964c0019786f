using System.Text.Json;
using Dapper;
using Distance.Data.Database;
using MySqlConnector;

namespace Distance.Data.Members;

/// <summary>What anyone may see of a member: never the phone number.</summary>
public sealed record PublicProfileRow(
    long MemberId, string Gender, string SchoolCode, string SchoolName, string Department, string Mbti,
    string Character, IReadOnlyList<string> Tags, IReadOnlyList<string> Hobbies)
{
    /// <summary>The contract's nickname: department + mbti + "#" + memberId, so it follows profile changes.</summary>
    public string Nickname => $"{Department}{Mbti}#{MemberId}";
}

/// <summary>
/// Public profiles for matching results, room lists and requests. Deleted members have no row,
/// so a missing id means "deleted" to the caller.
/// </summary>
public sealed class PublicProfileRepository(MySqlDataSource dataSource, ReadRouting reads)
{
    /// <summary>
    /// The columns of a <see cref="Row"/>, over <c>members m JOIN schools sc</c>: for this
    /// repository and for statements that read profiles along with other things (matching).
    /// </summary>
    internal const string Columns = """
        m.id AS MemberId, m.gender AS Gender, m.school_code AS SchoolCode, sc.name AS SchoolName,
        m.department AS Department, m.mbti AS Mbti, m.`character` AS `Character`,
        m.tags AS Tags, m.hobbies AS Hobbies
        """;

    private const string ByIdsSql = $"""
        SELECT {Columns}
        FROM members m JOIN schools sc ON sc.code = m.school_code
        WHERE m.id IN @ids
        """;

    public async Task<IReadOnlyDictionary<long, PublicProfileRow>> FindAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
            return new Dictionary<long, PublicProfileRow>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(ByIdsSql, new { ids }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToProfile()).ToDictionary(p => p.MemberId);
    }

    public async Task<PublicProfileRow?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await FindAsync([id], cancellationToken)).GetValueOrDefault(id);

    // A member who blocked the viewer is hidden from them (contract v2 "Blocking"): the block is never revealed as such.
    private const string VisibleSql = $"""
        SELECT {Columns}
        FROM members m JOIN schools sc ON sc.code = m.school_code
        WHERE m.id = @id AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = m.id AND b.blocked_id = @viewerId)
        """;

    /// <summary>
    /// The profile as <paramref name="viewerId"/> may see it: null when there is none or the member
    /// blocked the viewer. Another member's profile may come from the replica (a second of lag is
    /// invisible there); the viewer's own comes from the primary, so it shows their last PATCH.
    /// </summary>
    public async Task<PublicProfileRow?> FindVisibleAsync(long id, long viewerId, CancellationToken cancellationToken)
    {
        Func<MySqlConnection, Task<Row?>> read = connection => connection.QuerySingleOrDefaultAsync<Row>(
            new CommandDefinition(VisibleSql, new { id, viewerId }, cancellationToken: cancellationToken));
        if (id != viewerId)
            return (await reads.ReadAsync(read, cancellationToken))?.ToProfile();
        await using var primary = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await read(primary))?.ToProfile();
    }

    /// <summary>A profile as <see cref="Columns"/> reads it: tags and hobbies still JSON text.</summary>
    internal sealed record Row(
        long MemberId, string Gender, string SchoolCode, string SchoolName, string Department, string Mbti,
        string Character, string Tags, string Hobbies)
    {
        public PublicProfileRow ToProfile() => new(
            MemberId, Gender, SchoolCode, SchoolName, Department, Mbti, Character,
            JsonSerializer.Deserialize<string[]>(Tags) ?? [], JsonSerializer.Deserialize<string[]>(Hobbies) ?? []);
    }
}
