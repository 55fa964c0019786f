using Dapper;
using Distance.Data.Members;
using Distance.Data.Messages;
using MySqlConnector;

namespace Distance.Data.Rooms;

/// <summary>Who may use a room: its status and the members who have not left it.</summary>
public sealed record RoomAccess(long RoomId, bool Active, IReadOnlyList<long> Members)
{
    public bool IsMember(long memberId) => Members.Contains(memberId);
}

/// <summary>A room as one of its members sees it; the opponent (and its profile) is null once deleted.</summary>
public sealed record RoomSummaryRow(
    long RoomId, string Status, long? OpponentId, long LastSeq, long ReadSeq, int Exchanges, bool MyConsent,
    bool? OpponentConsent, DateTime CreatedAt, DateTime LastActivityAt, MessageRow? LastMessage, PublicProfileRow? Opponent)
{
    public bool PhoneShared => MyConsent && OpponentConsent == true;
}

/// <summary>Reads of rooms for the hub (access, joins) and for room lists.</summary>
public sealed class RoomRepository(MySqlDataSource dataSource)
{
    private const string AccessSql = """
        SELECT r.status, rm.member_id
        FROM rooms r LEFT JOIN room_members rm ON rm.room_id = r.id AND rm.left_at IS NULL
        WHERE r.id = @roomId
        """;

    // The opponent is the other room_members row: deleting a member deletes its rows, so a
    // deleted opponent shows as null while one who merely left still shows. Its public profile
    // comes along (m, sc: the columns of PublicProfileRepository), so a page is one statement.
    // The page is chosen from narrow rows (room id and activity), then only its rooms are joined
    // to the wide columns, and the page's few rows are put in order by the caller: sorting the
    // joined rows in SQL needs a temporary table, which MariaDB builds on disk (Aria) whenever it
    // holds TEXT or JSON columns, for every list (docs/benchmarks.md "What a request costs, layer by layer, and the room list").
    internal const string SummariesSql = $"""
        SELECT r.id AS RoomId, r.status AS Status, o.member_id AS OpponentId, r.last_seq AS LastSeq, me.read_seq AS ReadSeq,
               r.exchanges AS Exchanges, me.phone_consent AS MyConsent, o.phone_consent AS OpponentConsent,
               r.created_at AS CreatedAt, r.last_activity_at AS LastActivityAt,
               lm.room_id AS MessageRoomId, lm.seq AS MessageSeq, lm.sender_id AS MessageSenderId, lm.kind AS MessageKind,
               lm.text AS MessageText, lm.sent_at AS MessageSentAt, lm.client_message_id AS MessageClientMessageId,
               {PublicProfileRepository.Columns}
        FROM (SELECT r.id, r.last_activity_at
              FROM room_members me
              JOIN rooms r ON r.id = me.room_id
              WHERE me.member_id = @memberId AND (me.left_at IS NULL OR @includeLeft) AND (@roomId IS NULL OR r.id = @roomId)
                AND (@beforeAt IS NULL OR (r.last_activity_at, r.id) < (@beforeAt, @beforeId))
              ORDER BY r.last_activity_at DESC, r.id DESC
              LIMIT @limit) page
        STRAIGHT_JOIN rooms r ON r.id = page.id
        STRAIGHT_JOIN room_members me ON me.room_id = page.id AND me.member_id = @memberId
        LEFT JOIN room_members o ON o.room_id = r.id AND o.member_id <> me.member_id
        LEFT JOIN messages lm ON lm.room_id = r.id AND lm.seq = r.last_seq
        LEFT JOIN members m ON m.id = o.member_id
        LEFT JOIN schools sc ON sc.code = m.school_code
        """;

    private const string CursorSql = """
        SELECT r.last_activity_at
        FROM rooms r JOIN room_members me ON me.room_id = r.id AND me.member_id = @memberId AND me.left_at IS NULL
        WHERE r.id = @roomId
        """;

    /// <summary>The room's access rule, or null when no such room exists.</summary>
    public async Task<RoomAccess?> FindAccessAsync(long roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Status, long? MemberId)>(
            new CommandDefinition(AccessSql, new { roomId }, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
            return null;
        return new RoomAccess(roomId, rows[0].Status == RoomStatus.Active, rows.Where(r => r.MemberId is not null).Select(r => r.MemberId!.Value).ToList());
    }

    // active_pair is set exactly for active rooms and carries a unique index: the count reads that index alone.
    private const string CountActiveSql = "SELECT COUNT(*) FROM rooms WHERE active_pair IS NOT NULL";

    /// <summary>Active rooms across the whole service (for the active-rooms gauge).</summary>
    public async Task<long> CountActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountActiveSql, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A page of the member's current rooms (not left), most recent activity first: at most
    /// <paramref name="limit"/>, older than the room <paramref name="beforeRoomId"/> when given.
    /// Null when that room is not in the member's list.
    /// </summary>
    public async Task<IReadOnlyList<RoomSummaryRow>?> SummariesAsync(long memberId, long? beforeRoomId, int limit, CancellationToken cancellationToken)
    {
        DateTime? beforeAt = null;
        if (beforeRoomId is { } roomId)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            beforeAt = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(CursorSql, new { memberId, roomId }, cancellationToken: cancellationToken));
            if (beforeAt is null)
                return null;
        }
        return await QuerySummariesAsync(memberId, null, false, beforeAt, beforeRoomId ?? 0, limit, cancellationToken);
    }

    /// <summary>
    /// One room as the member sees it; null when the member is not in it. With
    /// <paramref name="includeLeft"/>, also a room the member has just left (for its last RoomUpdated).
    /// </summary>
    public async Task<RoomSummaryRow?> SummaryAsync(long memberId, long roomId, bool includeLeft, CancellationToken cancellationToken) =>
        (await QuerySummariesAsync(memberId, roomId, includeLeft, null, 0, 1, cancellationToken)).FirstOrDefault();

    private async Task<IReadOnlyList<RoomSummaryRow>> QuerySummariesAsync(
        long memberId, long? roomId, bool includeLeft, DateTime? beforeAt, long beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            SummariesSql, new { memberId, roomId, includeLeft, beforeAt, beforeId, limit }, cancellationToken: cancellationToken));
        // The statement's order is the page's (SummariesSql), restored here on at most a page of rows.
        return rows.Select(r => r.ToSummary()).OrderByDescending(r => r.LastActivityAt).ThenByDescending(r => r.RoomId).ToList();
    }

    private sealed class SummaryRow
    {
        public long RoomId { get; set; }
        public string Status { get; set; } = "";
        public long? OpponentId { get; set; }
        public long LastSeq { get; set; }
        public long ReadSeq { get; set; }
        public int Exchanges { get; set; }
        public bool MyConsent { get; set; }
        public bool? OpponentConsent { get; set; }
        public DateTime CreatedAt { get; set; }
        public DateTime LastActivityAt { get; set; }
        public long? MessageRoomId { get; set; }
        public long? MessageSeq { get; set; }
        public long? MessageSenderId { get; set; }
        public string? MessageKind { get; set; }
        public string? MessageText { get; set; }
        public DateTime? MessageSentAt { get; set; }
        public Guid? MessageClientMessageId { get; set; }
        public long? MemberId { get; set; }
        public string? Gender { get; set; }
        public string? SchoolCode { get; set; }
        public string? SchoolName { get; set; }
        public string? Department { get; set; }
        public string? Mbti { get; set; }
        public string? Character { get; set; }
        public string? Tags { get; set; }
        public string? Hobbies { get; set; }

        public RoomSummaryRow ToSummary() => new(
            RoomId, Status, OpponentId, LastSeq, ReadSeq, Exchanges, MyConsent, OpponentConsent,
            DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(LastActivityAt, DateTimeKind.Utc),
            MessageRoomId is null ? null : MessageRepository.Utc(new MessageRow(
                MessageRoomId.Value, MessageSeq!.Value, MessageSenderId, MessageKind!, MessageText!, MessageSentAt!.Value, MessageClientMessageId)),
            MemberId is null ? null : new PublicProfileRepository.Row(
                MemberId.Value, Gender!, SchoolCode!, SchoolName!, Department!, Mbti!, Character!, Tags!, Hobbies!).ToProfile());
    }
}

public static class RoomStatus
{
    public const string Active = "active";
    public const string Inactive = "inactive";
}
