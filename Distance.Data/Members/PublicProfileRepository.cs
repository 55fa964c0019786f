using System.Text.Json;
using Dapper;
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
public sealed class PublicProfileRepository(MySqlDataSource dataSource)
{
    private const string ByIdsSql = """
        SELECT m.id AS MemberId, m.gender AS Gender, m.school_code AS SchoolCode, s.name AS SchoolName,
               m.department AS Department, m.mbti AS Mbti, m.`character` AS `Character`,
               m.tags AS Tags, m.hobbies AS Hobbies
        FROM members m JOIN schools s ON s.code = m.school_code
        WHERE m.id IN @ids
        """;

    public async Task<IReadOnlyDictionary<long, PublicProfileRow>> FindAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
            return new Dictionary<long, PublicProfileRow>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(ids, connection, cancellationToken);
    }

    /// <summary>The same on a connection the caller already holds (one pool checkout for a whole operation).</summary>
    public async Task<IReadOnlyDictionary<long, PublicProfileRow>> FindAsync(IReadOnlyCollection<long> ids, MySqlConnection connection, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
            return new Dictionary<long, PublicProfileRow>();
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(ByIdsSql, new { ids }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToProfile()).ToDictionary(p => p.MemberId);
    }

    public async Task<PublicProfileRow?> FindAsync(long id, CancellationToken cancellationToken) =>
        (await FindAsync([id], cancellationToken)).GetValueOrDefault(id);

    private sealed record Row(
        long MemberId, string Gender, string SchoolCode, string SchoolName, string Department, string Mbti,
        string Character, string Tags, string Hobbies)
    {
        public PublicProfileRow ToProfile() => FromColumns(MemberId, Gender, SchoolCode, SchoolName, Department, Mbti, Character, Tags, Hobbies);
    }

    /// <summary>A profile from the columns of <see cref="ByIdsSql"/>, for statements that read them along with other things.</summary>
    public static PublicProfileRow FromColumns(
        long memberId, string gender, string schoolCode, string schoolName, string department, string mbti,
        string character, string tags, string hobbies) => new(
        memberId, gender, schoolCode, schoolName, department, mbti, character,
        JsonSerializer.Deserialize<string[]>(tags) ?? [], JsonSerializer.Deserialize<string[]>(hobbies) ?? []);
}
