using System.Runtime.Serialization;

namespace Distance.Contracts;

/// <summary>The reasons POST /api/reports accepts.</summary>
public static class ReportReasons
{
    public const string Spam = "spam";
    public const string Harassment = "harassment";
    public const string Inappropriate = "inappropriate";
    public const string Underage = "underage";
    public const string Other = "other";
}

/// <summary>POST /api/reports; with a room, its last 50 messages are kept as evidence.</summary>
[DataContract]
public sealed record ReportRequest(
    [property: DataMember(Name = "memberId")] long? MemberId,
    [property: DataMember(Name = "reason")] string? Reason,
    [property: DataMember(Name = "details")] string? Details = null,
    [property: DataMember(Name = "roomId")] long? RoomId = null);

[DataContract]
public sealed record ReportFiled(
    [property: DataMember(Name = "memberId")] long MemberId,
    [property: DataMember(Name = "reason")] string Reason,
    [property: DataMember(Name = "createdAt")] DateTime CreatedAt);

/// <summary>POST /api/blocks.</summary>
[DataContract]
public sealed record BlockRequest([property: DataMember(Name = "memberId")] long? MemberId);

/// <summary>An item of GET /api/blocks.</summary>
[DataContract]
public sealed record BlockedMember(
    [property: DataMember(Name = "member")] PublicProfile Member,
    [property: DataMember(Name = "blockedAt")] DateTime BlockedAt);
