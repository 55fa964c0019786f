namespace Distance.Realtime.Safety;

public sealed record ReportRequest(long? MemberId, string? Reason);

public sealed record ReportFiled(long MemberId, string Reason, DateTime CreatedAt);
