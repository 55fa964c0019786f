namespace Distance.Realtime.Safety;

public sealed record QueueMemberView(long MemberId, string? Nickname, string Status);

public sealed record QueueReportView(long ReporterId, string Reason, string? Details, long? RoomId, DateTime CreatedAt);

/// <summary>A message kept as evidence; the contract's message shape.</summary>
public sealed record EvidenceMessage(long RoomId, long Seq, long? SenderId, string Kind, string Text, DateTime SentAt, string? ClientMessageId);

public sealed record QueueItem(QueueMemberView Member, IReadOnlyList<QueueReportView> Reports, IReadOnlyList<EvidenceMessage> Evidence);

public sealed record QueuePage(IReadOnlyList<QueueItem> Items, int Page, bool HasMore);

public sealed record BanRequest(string? Reason);
