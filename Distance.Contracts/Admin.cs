using System.Runtime.Serialization;

namespace Distance.Contracts;

/// <summary>GET /api/admin/reports: members with reports, most reported first.</summary>
[DataContract]
public sealed record AdminReportsPage(
    [property: DataMember(Name = "items")] IReadOnlyList<ReportedMember> Items,
    [property: DataMember(Name = "page")] int Page,
    [property: DataMember(Name = "hasMore")] bool HasMore);

[DataContract]
public sealed record ReportedMember(
    [property: DataMember(Name = "member")] ModeratedMember Member,
    [property: DataMember(Name = "reports")] IReadOnlyList<ReportEntry> Reports,
    [property: DataMember(Name = "evidence")] IReadOnlyList<ChatMessage> Evidence);

/// <summary><see cref="Status"/> is "active", "suspended", "banned" or "deleted".</summary>
[DataContract]
public sealed record ModeratedMember(
    [property: DataMember(Name = "memberId")] long MemberId,
    [property: DataMember(Name = "nickname")] string Nickname,
    [property: DataMember(Name = "status")] string Status);

[DataContract]
public sealed record ReportEntry(
    [property: DataMember(Name = "reporterId")] long ReporterId,
    [property: DataMember(Name = "reason")] string Reason,
    [property: DataMember(Name = "details")] string? Details,
    [property: DataMember(Name = "roomId")] long? RoomId,
    [property: DataMember(Name = "createdAt")] DateTime CreatedAt);

/// <summary>POST /api/admin/members/{id}/ban.</summary>
[DataContract]
public sealed record BanRequest([property: DataMember(Name = "reason")] string? Reason);
