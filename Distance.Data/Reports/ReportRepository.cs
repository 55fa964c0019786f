using System.Data;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Reports;

public enum ReportOutcome { Filed, AlreadyReported, UnknownMember }

/// <param name="Deactivated">True when this report was the one that crossed the threshold.</param>
public sealed record ReportResult(ReportOutcome Outcome, bool Deactivated = false, DateTime CreatedAt = default);

public sealed class ReportRepository(MySqlDataSource dataSource)
{
    private const int DuplicateKey = 1062;

    // Locking the reported member's row serialises concurrent reports of one member, so exactly
    // one of them sees the threshold crossed and deactivates.
    private const string LockMemberSql = "SELECT deactivated_at IS NOT NULL FROM members WHERE id = @reportedId FOR UPDATE";

    private const string InsertSql = """
        INSERT INTO reports (reported_id, reporter_id, reason, created_at) VALUES (@reportedId, @reporterId, @reason, @now)
        """;

    private const string CountSql = "SELECT COUNT(*) FROM reports WHERE reported_id = @reportedId";
    private const string DeactivateSql = "UPDATE members SET deactivated_at = @now WHERE id = @reportedId AND deactivated_at IS NULL";

    public async Task<ReportResult> FileAsync(
        long reporterId, long reportedId, string reason, int deactivationThreshold, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var alreadyDeactivated = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            LockMemberSql, new { reportedId }, transaction, cancellationToken: cancellationToken));
        if (alreadyDeactivated is null)
            return new ReportResult(ReportOutcome.UnknownMember);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                InsertSql, new { reportedId, reporterId, reason, now }, transaction, cancellationToken: cancellationToken));
        }
        catch (MySqlException exception) when (exception.Number == DuplicateKey)
        {
            return new ReportResult(ReportOutcome.AlreadyReported);
        }

        var deactivated = false;
        if (alreadyDeactivated == false)
        {
            // reports has one row per (reported, reporter), so the row count is the distinct reporters.
            var reporters = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, new { reportedId }, transaction, cancellationToken: cancellationToken));
            if (reporters >= deactivationThreshold)
                deactivated = await connection.ExecuteAsync(new CommandDefinition(DeactivateSql, new { reportedId, now }, transaction, cancellationToken: cancellationToken)) > 0;
        }
        await transaction.CommitAsync(cancellationToken);
        return new ReportResult(ReportOutcome.Filed, deactivated, now);
    }
}
