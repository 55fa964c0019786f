using Dapper;
using MySqlConnector;

namespace Distance.Data.Members;

public sealed record NewMember(
    string Phone, string PasswordHash, string Gender, string SchoolCode, string College, string Department,
    string Mbti, string Character, IReadOnlyList<string> Tags, IReadOnlyList<string> Hobbies);

public sealed class MemberRepository(MySqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO members (phone, password_hash, gender, school_code, college, department, mbti, `character`,
                             tags, hobbies, created_at, last_active_at)
        VALUES (@Phone, @PasswordHash, @Gender, @SchoolCode, @College, @Department, @Mbti, @Character,
                @Tags, @Hobbies, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
        SELECT LAST_INSERT_ID();
        """;

    /// <summary>Inserts a member and returns its id; a taken phone surfaces as a duplicate-key MySqlException.</summary>
    public async Task<long> InsertAsync(NewMember member, MySqlConnection connection, MySqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            member.Phone, member.PasswordHash, member.Gender, member.SchoolCode, member.College, member.Department,
            member.Mbti, member.Character,
            Tags = System.Text.Json.JsonSerializer.Serialize(member.Tags),
            Hobbies = System.Text.Json.JsonSerializer.Serialize(member.Hobbies),
        };
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, parameters, transaction, cancellationToken: cancellationToken));
    }

    public async Task<long> InsertAsync(NewMember member, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertAsync(member, connection, null, cancellationToken);
    }
}
