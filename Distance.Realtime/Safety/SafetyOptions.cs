using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Safety;

/// <summary>Limits of blocking and reporting (section "Moderation"; docs/safety.md explains each).</summary>
public sealed class SafetyOptions
{
    public const string Section = "Moderation";

    /// <summary>Distinct verified reporters (with open reports) at which a member is suspended.</summary>
    [Range(1, 100)]
    public int SuspensionThreshold { get; set; } = 3;

    /// <summary>Reports one member may file within 24 hours (429 too_many_reports beyond).</summary>
    [Range(1, 1000)]
    public int DailyReportLimit { get; set; } = 10;

    /// <summary>The reported room's newest messages kept with a report.</summary>
    [Range(0, 500)]
    public int EvidenceMessages { get; set; } = 50;

    /// <summary>How long a member shown by GET /api/matches may be reported by the one it was shown to.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ShownWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Members per page of the operators' report queue.</summary>
    [Range(1, 200)]
    public int QueuePageSize { get; set; } = 20;
}
