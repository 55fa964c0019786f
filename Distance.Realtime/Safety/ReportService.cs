using Distance.Data.Reports;
using Distance.Realtime.Identity;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Safety;

/// <summary>
/// Files a report (ReportRepository holds the rules) and carries out what it did once committed:
/// the rooms its block closed are announced; a suspension ends every session of the member on
/// every node and turns their active rooms inactive for the opponents.
/// </summary>
public sealed partial class ReportService(
    ReportRepository reports, ShownMembers shown, BlockService blocks, MemberSessions sessions, SafetyEvents events,
    IOptions<SafetyOptions> options, TimeProvider clock, ILogger<ReportService> logger)
{
    public async Task<ReportResult> FileAsync(long reporterId, long reportedId, string reason, string? details, long? roomId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var filing = new ReportFiling(reporterId, reportedId, reason, details, roomId,
            await shown.WasShownAsync(reporterId, reportedId), await blocks.LeftTextAsync(reporterId, cancellationToken));
        var result = await reports.FileAsync(filing, new ReportLimits(o.SuspensionThreshold, o.DailyReportLimit, o.EvidenceMessages),
            clock.Millis(), cancellationToken);
        if (result.Outcome != ReportOutcome.Filed)
            return result;

        LogFiled(reportedId, reporterId, reason);
        if (result.Suspended)
        {
            LogSuspended(reportedId, o.SuspensionThreshold);
            await sessions.EndAllAsync(reportedId, cancellationToken);
            await events.RaiseAsync(new RoomsSuspended(reportedId, result.SuspendedRooms ?? []), cancellationToken);
        }
        await events.RaiseAsync(new RoomsLeft(reporterId, result.ClosedRooms ?? []), cancellationToken);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {ReportedId} was reported by {ReporterId} for {Reason}")]
    private partial void LogFiled(long reportedId, long reporterId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member {MemberId} was suspended after {Reporters} distinct verified reporters")]
    private partial void LogSuspended(long memberId, int reporters);
}
