namespace Distance.Realtime.Safety;

/// <summary>The reports' log lines. Ids only: never a reason's text.</summary>
public sealed partial class ReportsLog(ILogger<ReportsLog> logger)
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Member {MemberId} was deactivated after {Reporters} distinct reports")]
    public partial void Deactivated(long memberId, int reporters);
}
