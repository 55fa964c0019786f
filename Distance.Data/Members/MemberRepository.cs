using System.Data;
using Dapper;
using Distance.Data.Auth;
using Distance.Data.Safety;
using MySqlConnector;

namespace Distance.Data.Members;

public sealed record NewMember(
    string Phone, string PasswordHash, string Gender, string SchoolCode, string College, string Department,
    string Mbti, string Character, IReadOnlyList<string> Tags, IReadOnlyList<string> Hobbies);

public enum SignUpOutcome { Created, PhoneTaken }

/// <param name="Referred">Whether a referrer with the given phone existed (and got the capacity).</param>
/// <param name="Suspended">The phone brought back enough reports from a deleted account to be suspended again.</param>
public sealed record SignUpResult(SignUpOutcome Outcome, long MemberId = 0, bool Referred = false, bool Suspended = false);

/// <summary>The number of distinct counting reporters that suspends a member (Moderation options; registered by the host).</summary>
public sealed record SuspensionThreshold(int Reporters);

public sealed class MemberRepository(MySqlDataSource dataSource, PhoneHasher phoneHasher, SuspensionThreshold suspension)
{
    private const int DuplicateKey = 1062;

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

    // Found rows (not changed rows) are reported by default, so a referrer already at the cap still counts as found.
    private const string RaiseCapacitySql = """
        UPDATE members SET room_capacity = LEAST(room_capacity + 1, @maxCapacity) WHERE phone = @referrerPhone
        """;

    /// <summary>
    /// Creates the member and, for a referral by a known member, raises the referrer's room capacity
    /// (capped) in the same transaction: either both happen or neither does. Reports and blocks a
    /// deleted account left under this phone come back to the new member (Safety/PhoneHistory),
    /// suspension included.
    /// </summary>
    public async Task<SignUpResult> SignUpAsync(NewMember member, string? referrerPhone, int maxCapacity, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        try
        {
            // An unknown referrer is ignored, not refused: a refusal would answer "is this phone
            // registered?" to anyone holding a verification token, for free.
            var referred = referrerPhone is not null && await connection.ExecuteAsync(new CommandDefinition(
                RaiseCapacitySql, new { referrerPhone, maxCapacity }, transaction, cancellationToken: cancellationToken)) > 0;
            var id = await InsertAsync(member, connection, transaction, cancellationToken);
            var suspended = await PhoneHistory.RestoreAsync(
                connection, transaction, id, phoneHasher.Hash(member.Phone), suspension.Reporters, Now(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new SignUpResult(SignUpOutcome.Created, id, referred, suspended);
        }
        catch (MySqlException exception) when (exception.Number == DuplicateKey)
        {
            return new SignUpResult(SignUpOutcome.PhoneTaken);
        }
    }

    private const string PhoneExistsSql = "SELECT EXISTS (SELECT 1 FROM members WHERE phone = @phone)";

    public async Task<bool> PhoneExistsAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(PhoneExistsSql, new { phone }, cancellationToken: cancellationToken));
    }

    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM members WHERE id = @id)";

    public async Task<bool> ExistsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ExistsSql, new { id }, cancellationToken: cancellationToken));
    }

    // Logins and their refresh tokens go with the member, and the phone number is free to sign up
    // again. Reports and blocks about the member stay under the phone's keyed hash (PhoneHistory).
    private const string DeleteSql = """
        DELETE rt FROM refresh_tokens rt JOIN logins l ON l.id = rt.login_id WHERE l.member_id = @id;
        DELETE FROM logins WHERE member_id = @id;
        DELETE FROM members WHERE id = @id;
        """;

    private const string LockPhoneSql = "SELECT phone FROM members WHERE id = @id FOR UPDATE";

    /// <summary>Hard-deletes a member and its account rows in one transaction.</summary>
    public async Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var phone = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(LockPhoneSql, new { id }, transaction, cancellationToken: cancellationToken));
        if (phone is null)
            return;
        await PhoneHistory.ForgetAsync(connection, transaction, id, phoneHasher.Hash(phone), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
