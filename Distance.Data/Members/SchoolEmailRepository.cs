using System.Data;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Members;

public enum SchoolEmailOutcome { Verified, EmailInUse, MemberMissing }

/// <summary>Which account a school e-mail address verifies: at most one at a time.</summary>
public sealed class SchoolEmailRepository(MySqlDataSource dataSource)
{
    private const string OwnerSql = """
        SELECT e.member_id FROM school_emails e JOIN members m ON m.id = e.member_id
        WHERE e.email = @email AND e.member_id <> @memberId
        """;

    /// <summary>Whether another existing account already verified with <paramref name="email"/>.</summary>
    public async Task<bool> InUseByAnotherAsync(string email, long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(OwnerSql, new { email, memberId }, cancellationToken: cancellationToken)) is not null;
    }

    private const string LockAddressSql = "SELECT email FROM school_emails WHERE email = @email FOR UPDATE";
    private const string LockOwnerSql = OwnerSql + " FOR UPDATE";
    private const string ReleaseSql = "DELETE FROM school_emails WHERE member_id = @memberId OR email = @email";
    private const string InsertSql = "INSERT INTO school_emails (email, member_id, verified_at) VALUES (@email, @memberId, UTC_TIMESTAMP(3))";
    private const string VerifySql = "UPDATE members SET student_verified = TRUE WHERE id = @memberId";

    /// <summary>
    /// Binds the address to the member and marks the member verified, in one transaction; refused
    /// when another existing account holds the address. The row lock on the address makes two
    /// members confirming it at once take turns, so only one of them gets it.
    /// </summary>
    public async Task<SchoolEmailOutcome> VerifyAsync(long memberId, string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var parameters = new { email, memberId };
        // Lock the address row (present or not: the gap lock covers an insert racing us).
        await connection.ExecuteAsync(new CommandDefinition(LockAddressSql, parameters, transaction, cancellationToken: cancellationToken));
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(LockOwnerSql, parameters, transaction, cancellationToken: cancellationToken)) is not null)
            return SchoolEmailOutcome.EmailInUse;
        if (await connection.ExecuteAsync(new CommandDefinition(VerifySql, parameters, transaction, cancellationToken: cancellationToken)) == 0)
            return SchoolEmailOutcome.MemberMissing;
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, parameters, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return SchoolEmailOutcome.Verified;
    }
}
