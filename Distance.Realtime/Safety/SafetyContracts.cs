using Distance.Realtime.Members;

namespace Distance.Realtime.Safety;

public sealed record BlockRequest(long? MemberId);

/// <summary>An item of GET /api/blocks.</summary>
public sealed record BlockedMember(PublicProfile Member, DateTime BlockedAt);

public sealed record ReportRequest(long? MemberId, string? Reason, string? Details, long? RoomId);

public sealed record ReportFiled(long MemberId, string Reason, DateTime CreatedAt);

/// <summary>The contract's report reasons.</summary>
public static class ReportReasons
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "spam", "harassment", "inappropriate", "underage", "other",
    };
}
