using System.Data;
using Dapper;
using Distance.Data.Safety;
using MySqlConnector;

namespace Distance.Data.Reports;

public enum ReportOutcome { Filed, AlreadyReported, MemberNotFound, ReporterUnverified, TooManyReports, RoomNotShared }

/// <summary>A report as filed; <paramref name="ShownRecently"/>: matching showed the member to the reporter within 24 h.</summary>
public sealed record ReportFiling(
    long ReporterId, long ReportedId, string Reason, string? Details, long? RoomId, bool ShownRecently, string ReporterLeftText);

/// <summary>The limits a filing is held to (Moderation options).</summary>
public sealed record ReportLimits(int SuspensionThreshold, int DailyLimit, int EvidenceMessages);

/// <param name="Suspended">This report crossed the threshold; <paramref name="SuspendedRooms"/> went inactive with it.</param>
/// <param name="ClosedRooms">Rooms the report's block closed.</param>
/// <param name="RetryAfter">For TooManyReports: until the oldest of the day's reports is a day old.</param>
public sealed record ReportResult(
    ReportOutcome Outcome, long ReportId = 0, DateTime CreatedAt = default, bool Suspended = false,
    IReadOnlyList<SuspendedRoom>? SuspendedRooms = null, IReadOnlyList<ClosedRoom>? ClosedRooms = null, TimeSpan RetryAfter = default);

/// <summary>
/// Reports v2 (contract "Reports"): only a verified reporter who has met the member (a room or a
/// request, now or before, or shown by matching within 24 h) may report; a report blocks; with a
/// room it keeps the room's last messages; a day holds at most DailyLimit reports per reporter; at
/// SuspensionThreshold distinct counting reporters with open reports the member is suspended.
/// Both members' rows are locked (in id order, as room creation does), so concurrent reports of
/// one member see the threshold crossed exactly once, and a room cannot open across the block.
/// </summary>
public sealed class ReportRepository(MySqlDataSource dataSource)
{
    private const int DuplicateKey = 1062;

    private const string ReporterSql = "SELECT student_verified FROM members WHERE id = @reporterId";

    private const string MetSql = """
        SELECT EXISTS (SELECT 1 FROM met_pairs WHERE member_low = @low AND member_high = @high)
        """;

    private const string TodaySql = """
        SELECT COUNT(*) AS Count, MIN(created_at) AS Oldest FROM reports
        WHERE reporter_id = @reporterId AND created_at > @now - INTERVAL 1 DAY
        """;

    // The room must be the pair's, and the reporter must have been in it (left or not).
    private const string SharedRoomSql = """
        SELECT EXISTS (
          SELECT 1 FROM rooms r JOIN room_members rm ON rm.room_id = r.id AND rm.member_id = @reporterId
          WHERE r.id = @roomId AND r.member_low = @low AND r.member_high = @high)
        """;

    private const string InsertSql = """
        INSERT INTO reports (reported_id, reporter_id, reason, details, room_id, counts, created_at)
        VALUES (@ReportedId, @ReporterId, @Reason, @Details, @RoomId, TRUE, @now);
        SELECT LAST_INSERT_ID();
        """;

    private const string EvidenceSql = """
        INSERT INTO report_evidence (report_id, room_id, seq, sender_id, kind, text, sent_at, client_message_id)
        SELECT @reportId, room_id, seq, sender_id, kind, text, sent_at, client_message_id
        FROM messages WHERE room_id = @roomId ORDER BY seq DESC LIMIT @limit
        """;

    public async Task<ReportResult> FileAsync(ReportFiling filing, ReportLimits limits, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var existing = await PairSeparation.LockMembersAsync(connection, transaction, filing.ReporterId, filing.ReportedId, cancellationToken);
        if (!await Scalar<bool>(connection, transaction, ReporterSql, filing, cancellationToken))
            return new ReportResult(ReportOutcome.ReporterUnverified);
        var pair = new
        {
            filing.ReporterId, filing.RoomId, now,
            low = Math.Min(filing.ReporterId, filing.ReportedId), high = Math.Max(filing.ReporterId, filing.ReportedId),
        };
        if (!existing.Contains(filing.ReportedId) || !(filing.ShownRecently || await Scalar<bool>(connection, transaction, MetSql, pair, cancellationToken)))
            return new ReportResult(ReportOutcome.MemberNotFound);

        var today = await connection.QuerySingleAsync<(long Count, DateTime? Oldest)>(new CommandDefinition(
            TodaySql, pair, transaction, cancellationToken: cancellationToken));
        if (today.Count >= limits.DailyLimit)
            return new ReportResult(ReportOutcome.TooManyReports, RetryAfter: today.Oldest!.Value.AddDays(1) - now);
        if (filing.RoomId is not null && !await Scalar<bool>(connection, transaction, SharedRoomSql, pair, cancellationToken))
            return new ReportResult(ReportOutcome.RoomNotShared);

        long reportId;
        try
        {
            reportId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                InsertSql, new { filing.ReportedId, filing.ReporterId, filing.Reason, filing.Details, filing.RoomId, now }, transaction,
                cancellationToken: cancellationToken));
        }
        catch (MySqlException exception) when (exception.Number == DuplicateKey)
        {
            return new ReportResult(ReportOutcome.AlreadyReported);
        }
        // Evidence first: the block below may delete the room.
        if (filing.RoomId is { } roomId)
            await connection.ExecuteAsync(new CommandDefinition(
                EvidenceSql, new { reportId, roomId, limit = limits.EvidenceMessages }, transaction, cancellationToken: cancellationToken));
        var closed = await PairSeparation.BlockAsync(
            connection, transaction, filing.ReporterId, filing.ReportedId, filing.ReporterLeftText, now, cancellationToken);
        var suspendedRooms = await Suspensions.SuspendIfReportedAsync(connection, transaction, filing.ReportedId, limits.SuspensionThreshold, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReportResult(ReportOutcome.Filed, reportId, now, suspendedRooms is not null, suspendedRooms ?? [], closed);
    }

    private static Task<T?> Scalar<T>(MySqlConnection connection, MySqlTransaction transaction, string sql, object parameters, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
}
