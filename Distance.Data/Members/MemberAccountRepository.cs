using System.Text.Json;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Members;

/// <summary>Everything a member sees of themself (GET /api/me), phone number included.</summary>
public sealed record MemberRow(
    long Id, string Phone, string Gender, string SchoolCode, string SchoolName, string College, string Department,
    string Mbti, string Character, IReadOnlyList<string> Tags, IReadOnlyList<string> Hobbies,
    bool StudentVerified, int RoomCapacity, DateTime CreatedAt)
{
    public string Nickname => $"{Department}{Mbti}#{Id}";
}

/// <summary>What login needs: the hash to verify and whether the account may log in.</summary>
public sealed record MemberCredentials(long Id, string PasswordHash, bool Deactivated);

/// <summary>Changes of PATCH /api/me; null leaves a field as it is.</summary>
public sealed record ProfileChanges(
    string? Department, string? Mbti, string? Character, IReadOnlyList<string>? Tags, IReadOnlyList<string>? Hobbies);

public enum ProfileUpdateOutcome { Updated, MemberMissing, InterestCountOutOfRange }

/// <summary>A member's own account: profile, credentials, verification and deactivation flags.</summary>
public sealed class MemberAccountRepository(MySqlDataSource dataSource)
{
    private const string FindSql = """
        SELECT m.id, m.phone, m.gender, m.school_code AS SchoolCode, s.name AS SchoolName, m.college, m.department,
               m.mbti, m.`character`, m.tags, m.hobbies, m.student_verified AS StudentVerified,
               m.room_capacity AS RoomCapacity, m.created_at AS CreatedAt
        FROM members m JOIN schools s ON s.code = m.school_code
        WHERE m.id = @id
        """;

    public async Task<MemberRow?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { id }, cancellationToken: cancellationToken));
        return row?.ToMember();
    }

    private const string CredentialsSql = """
        SELECT id, password_hash AS PasswordHash, deactivated_at AS DeactivatedAt FROM members WHERE phone = @phone
        """;

    public async Task<MemberCredentials?> FindCredentialsAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CredentialsRow>(
            new CommandDefinition(CredentialsSql, new { phone }, cancellationToken: cancellationToken));
        return row is null ? null : new MemberCredentials(row.Id, row.PasswordHash, row.DeactivatedAt is not null);
    }

    private const string PasswordOfSql = "SELECT phone AS Phone, password_hash AS PasswordHash FROM members WHERE id = @id";

    /// <summary>The member's phone and password hash, to ask for the password again (account deletion).</summary>
    public async Task<(string Phone, string PasswordHash)?> PasswordOfAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<(string Phone, string PasswordHash)?>(
            new CommandDefinition(PasswordOfSql, new { id }, cancellationToken: cancellationToken));
    }

    private const string FindIdByPhoneSql = "SELECT id FROM members WHERE phone = @phone";

    public async Task<long?> FindIdByPhoneAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(FindIdByPhoneSql, new { phone }, cancellationToken: cancellationToken));
    }

    // One statement: the interest-count rule is checked against the merged values, so two
    // concurrent PATCHes cannot together leave a profile outside the rule.
    private const string UpdateProfileSql = """
        UPDATE members
        SET department = COALESCE(@Department, department), mbti = COALESCE(@Mbti, mbti),
            `character` = COALESCE(@Character, `character`),
            tags = COALESCE(@Tags, tags), hobbies = COALESCE(@Hobbies, hobbies)
        WHERE id = @id
          AND JSON_LENGTH(COALESCE(@Tags, tags)) + JSON_LENGTH(COALESCE(@Hobbies, hobbies)) BETWEEN @minInterests AND @maxInterests
        """;

    public async Task<ProfileUpdateOutcome> UpdateProfileAsync(
        long id, ProfileChanges changes, int minInterests, int maxInterests, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            id, changes.Department, changes.Mbti, changes.Character, minInterests, maxInterests,
            Tags = changes.Tags is null ? null : JsonSerializer.Serialize(changes.Tags),
            Hobbies = changes.Hobbies is null ? null : JsonSerializer.Serialize(changes.Hobbies),
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = await connection.ExecuteAsync(new CommandDefinition(UpdateProfileSql, parameters, cancellationToken: cancellationToken));
        if (found > 0)
            return ProfileUpdateOutcome.Updated;
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM members WHERE id = @id)", new { id }, cancellationToken: cancellationToken));
        return exists ? ProfileUpdateOutcome.InterestCountOutOfRange : ProfileUpdateOutcome.MemberMissing;
    }

    private const string SetPasswordSql = "UPDATE members SET password_hash = @passwordHash WHERE id = @id";

    public async Task SetPasswordHashAsync(long id, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetPasswordSql, new { id, passwordHash }, cancellationToken: cancellationToken));
    }

    private const string SetStudentVerifiedSql = "UPDATE members SET student_verified = TRUE WHERE id = @id";

    public async Task<bool> SetStudentVerifiedAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(SetStudentVerifiedSql, new { id }, cancellationToken: cancellationToken)) > 0;
    }

    private const string SchoolOfSql = "SELECT school_code FROM members WHERE id = @id";

    public async Task<string?> SchoolOfAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(SchoolOfSql, new { id }, cancellationToken: cancellationToken));
    }

    // Classes with setters rather than positional records: Dapper converts column types
    // (TINYINT, BOOLEAN) into property types, but matches constructors only on exact types.
    private sealed class CredentialsRow
    {
        public long Id { get; init; }
        public string PasswordHash { get; init; } = "";
        public DateTime? DeactivatedAt { get; init; }
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public string Phone { get; init; } = "";
        public string Gender { get; init; } = "";
        public string SchoolCode { get; init; } = "";
        public string SchoolName { get; init; } = "";
        public string College { get; init; } = "";
        public string Department { get; init; } = "";
        public string Mbti { get; init; } = "";
        public string Character { get; init; } = "";
        public string Tags { get; init; } = "[]";
        public string Hobbies { get; init; } = "[]";
        public bool StudentVerified { get; init; }
        public int RoomCapacity { get; init; }
        public DateTime CreatedAt { get; init; }

        public MemberRow ToMember() => new(
            Id, Phone, Gender, SchoolCode, SchoolName, College, Department, Mbti, Character,
            JsonSerializer.Deserialize<string[]>(Tags) ?? [], JsonSerializer.Deserialize<string[]>(Hobbies) ?? [],
            StudentVerified, RoomCapacity, DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc));
    }
}
