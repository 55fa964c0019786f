using Dapper;
using Distance.Data.Messages;
using MySqlConnector;

namespace Distance.Data.Moderation;

/// <summary>A reported member as the queue shows them; Nickname is null once the account is deleted.</summary>
public sealed record QueuedMember(long MemberId, string? Nickname, string Status, IReadOnlyList<QueuedReport> Reports, IReadOnlyList<MessageRow> Evidence);

public sealed record QueuedReport(long ReporterId, string Reason, string? Details, long? RoomId, DateTime CreatedAt);

/// <summary>
/// The operators' review queue: members with open (or resolved) reports, most reported first,
/// each with their reports and the evidence kept with them. Operator traffic only: a handful of
/// reads per page.
/// </summary>
public sealed class ReportQueueRepository(MySqlDataSource dataSource)
{
    private const string MembersSql = """
        SELECT reported_id AS MemberId, COUNT(*) AS Reports, MAX(created_at) AS Latest
        FROM reports WHERE (resolved_at IS NULL) = @open
        GROUP BY reported_id
        ORDER BY Reports DESC, Latest DESC, reported_id
        LIMIT @take OFFSET @skip
        """;

    private const string ReportsSql = """
        SELECT id AS Id, reported_id AS ReportedId, reporter_id AS ReporterId, reason AS Reason, details AS Details,
               room_id AS RoomId, created_at AS CreatedAt
        FROM reports WHERE reported_id IN @ids AND (resolved_at IS NULL) = @open
        ORDER BY created_at DESC, id DESC
        """;

    private const string ProfilesSql = """
        SELECT id AS Id, department AS Department, mbti AS Mbti, moderation AS Moderation FROM members WHERE id IN @ids
        """;

    private const string EvidenceSql = """
        SELECT report_id AS ReportId, room_id AS RoomId, seq AS Seq, sender_id AS SenderId, kind AS Kind, text AS Text,
               sent_at AS SentAt, client_message_id AS ClientMessageId
        FROM report_evidence WHERE report_id IN @reportIds
        ORDER BY room_id, seq
        """;

    /// <summary>One page (1-based) of the queue; HasMore when another page follows.</summary>
    public async Task<(IReadOnlyList<QueuedMember> Items, bool HasMore)> PageAsync(bool open, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var heads = (await connection.QueryAsync<(long MemberId, long Reports, DateTime Latest)>(new CommandDefinition(
            MembersSql, new { open, take = pageSize + 1, skip = (long)(page - 1) * pageSize }, cancellationToken: cancellationToken))).AsList();
        var hasMore = heads.Count > pageSize;
        var ids = heads.Take(pageSize).Select(h => h.MemberId).ToArray();
        if (ids.Length == 0)
            return ([], false);

        var reports = (await connection.QueryAsync<ReportRow>(new CommandDefinition(ReportsSql, new { ids, open }, cancellationToken: cancellationToken))).AsList();
        var profiles = (await connection.QueryAsync<ProfileRow>(new CommandDefinition(ProfilesSql, new { ids }, cancellationToken: cancellationToken)))
            .ToDictionary(p => p.Id);
        var reportIds = reports.Select(r => r.Id).ToArray();
        var evidence = reportIds.Length == 0 ? [] : (await connection.QueryAsync<EvidenceRow>(new CommandDefinition(
            EvidenceSql, new { reportIds }, cancellationToken: cancellationToken))).AsList();

        var items = ids.Select(id =>
        {
            var mine = reports.Where(r => r.ReportedId == id).ToList();
            var mineIds = mine.Select(r => r.Id).ToHashSet();
            profiles.TryGetValue(id, out var profile);
            return new QueuedMember(
                id, profile is null ? null : $"{profile.Department}{profile.Mbti}#{id}", profile?.Moderation ?? "deleted",
                mine.Select(r => new QueuedReport(r.ReporterId, r.Reason, r.Details, r.RoomId, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList(),
                evidence.Where(e => mineIds.Contains(e.ReportId)).DistinctBy(e => (e.RoomId, e.Seq))
                    .Select(e => MessageRepository.Utc(new MessageRow(e.RoomId, e.Seq, e.SenderId, e.Kind, e.Text, e.SentAt, e.ClientMessageId)))
                    .ToList());
        }).ToList();
        return (items, hasMore);
    }

    private sealed class ReportRow
    {
        public long Id { get; init; }
        public long ReportedId { get; init; }
        public long ReporterId { get; init; }
        public string Reason { get; init; } = "";
        public string? Details { get; init; }
        public long? RoomId { get; init; }
        public DateTime CreatedAt { get; init; }
    }

    private sealed record ProfileRow(long Id, string Department, string Mbti, string Moderation);

    private sealed class EvidenceRow
    {
        public long ReportId { get; init; }
        public long RoomId { get; init; }
        public long Seq { get; init; }
        public long? SenderId { get; init; }
        public string Kind { get; init; } = "";
        public string Text { get; init; } = "";
        public DateTime SentAt { get; init; }
        public Guid? ClientMessageId { get; init; }
    }
}
