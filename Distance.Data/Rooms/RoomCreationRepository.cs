using System.Data;
using Dapper;
using Distance.Data.Safety;
using MySqlConnector;

namespace Distance.Data.Rooms;

/// <summary>NotFound: no such request; MemberNotFound: the other member is gone, or the meeting rules keep the pair apart.</summary>
public enum CreateRoomOutcome { Created, Existing, Requested, CallerUnverified, NotFound, MemberNotFound, CallerFull, OpponentFull, PairLimitReached }

/// <summary>What became of a room creation or a request acceptance; <see cref="RetryAfter"/> for PairLimitReached.</summary>
public sealed record CreateRoomResult(
    CreateRoomOutcome Outcome, long RoomId = 0, long RequestId = 0, bool NewRequest = false, long OpponentId = 0, TimeSpan RetryAfter = default);

/// <summary>
/// Opens rooms under the capacity rule, the meeting rules (<see cref="MeetingRules"/>: blocks,
/// reports, status, gender) and the cap on new rooms per pair and day. Both members' rows are
/// locked (in id order) for the check-and-insert, so two nodes creating rooms for the same member
/// at once cannot exceed the capacity, which counts active rooms only, and a block or report
/// (which takes the same locks) cannot slip in between the check and the insert.
/// </summary>
public sealed class RoomCreationRepository(MySqlDataSource dataSource)
{
    // Every room or request marks the pair as having met: whom a member may report (Reports).
    private const string MetSql = """
        INSERT IGNORE INTO met_pairs (member_low, member_high, first_at) VALUES (@low, @high, UTC_TIMESTAMP(3))
        """;

    private const string OpeningsSql = """
        SELECT COUNT(*) AS Count, MIN(opened_at) AS Oldest FROM room_openings
        WHERE member_low = @low AND member_high = @high AND opened_at > UTC_TIMESTAMP(3) - INTERVAL 1 DAY
        """;

    private const string RecordOpeningSql = """
        DELETE FROM room_openings WHERE member_low = @low AND member_high = @high AND opened_at <= UTC_TIMESTAMP(3) - INTERVAL 1 DAY;
        INSERT INTO room_openings (member_low, member_high, opened_at) VALUES (@low, @high, UTC_TIMESTAMP(3));
        """;

    private const string LockMembersSql = """
        SELECT m.id AS Id, m.student_verified AS StudentVerified, CAST(m.room_capacity AS SIGNED) AS Capacity,
               m.deactivated_at AS DeactivatedAt,
               (SELECT COUNT(*) FROM room_members rm JOIN rooms r ON r.id = rm.room_id
                WHERE rm.member_id = m.id AND rm.left_at IS NULL AND r.status = 'active') AS ActiveRooms
        FROM members m WHERE m.id IN @ids ORDER BY m.id FOR UPDATE
        """;

    private const string ActiveRoomSql = "SELECT id FROM rooms WHERE member_low = @low AND member_high = @high AND status = 'active'";

    private const string InsertRoomSql = """
        INSERT INTO rooms (member_low, member_high, status, created_at, last_activity_at)
        VALUES (@low, @high, 'active', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
        SELECT LAST_INSERT_ID();
        """;

    private const string InsertMembersSql = """
        INSERT INTO room_members (room_id, member_id) VALUES (@roomId, @low), (@roomId, @high);
        """;

    private const string DeletePairRequestsSql = """
        DELETE FROM room_requests
        WHERE (from_member_id = @low AND to_member_id = @high) OR (from_member_id = @high AND to_member_id = @low)
        """;

    private const string FindRequestSql = "SELECT id FROM room_requests WHERE from_member_id = @from AND to_member_id = @to";

    private const string InsertRequestSql = """
        INSERT INTO room_requests (from_member_id, to_member_id, created_at) VALUES (@from, @to, UTC_TIMESTAMP(3));
        SELECT LAST_INSERT_ID();
        """;

    private const string RequestSql = "SELECT from_member_id FROM room_requests WHERE id = @requestId AND to_member_id = @memberId";
    private const string LockRequestSql = "SELECT from_member_id FROM room_requests WHERE id = @requestId AND to_member_id = @memberId FOR UPDATE";

    /// <summary>
    /// POST /api/rooms: a room when both have room, a request when only the opponent is full.
    /// At most <paramref name="roomsPerPairPerDay"/> new rooms for one pair within a day.
    /// </summary>
    public async Task<CreateRoomResult> CreateOrRequestAsync(long callerId, long opponentId, int roomsPerPairPerDay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var members = await LockMembersAsync(connection, transaction, callerId, opponentId, cancellationToken);
        if (!members.TryGetValue(callerId, out var caller) || !caller.StudentVerified)
            return new CreateRoomResult(CreateRoomOutcome.CallerUnverified);
        if (!members.TryGetValue(opponentId, out var opponent) || !await MayMeetAsync(connection, transaction, callerId, opponentId, cancellationToken))
            return new CreateRoomResult(CreateRoomOutcome.MemberNotFound);

        var result = await ExistingRoomAsync(connection, transaction, callerId, opponentId, cancellationToken)
                     ?? (caller.IsFull ? new CreateRoomResult(CreateRoomOutcome.CallerFull)
                         : opponent.IsFull ? await RequestAsync(connection, transaction, callerId, opponentId, cancellationToken)
                         : await InsertRoomAsync(connection, transaction, callerId, opponentId, roomsPerPairPerDay, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Accepting a request opens the room if both still have room (capacity is checked again).</summary>
    public async Task<CreateRoomResult> AcceptAsync(long memberId, long requestId, int roomsPerPairPerDay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Read the pair first, then lock members before the request: the same order as creation, so no deadlock.
        var fromId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(RequestSql, new { requestId, memberId }, cancellationToken: cancellationToken));
        if (fromId is null)
            return new CreateRoomResult(CreateRoomOutcome.NotFound);

        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var members = await LockMembersAsync(connection, transaction, memberId, fromId.Value, cancellationToken);
        var stillThere = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(LockRequestSql, new { requestId, memberId }, transaction, cancellationToken: cancellationToken));
        if (stillThere is null || !members.TryGetValue(memberId, out var me))
            return new CreateRoomResult(CreateRoomOutcome.NotFound);

        CreateRoomResult result;
        if (!members.TryGetValue(fromId.Value, out var requester) || !await MayMeetAsync(connection, transaction, memberId, fromId.Value, cancellationToken))
        {
            await DeletePairRequestsAsync(connection, transaction, memberId, fromId.Value, cancellationToken);
            result = new CreateRoomResult(CreateRoomOutcome.MemberNotFound);
        }
        else if (await ExistingRoomAsync(connection, transaction, memberId, fromId.Value, cancellationToken) is { } existing)
        {
            await DeletePairRequestsAsync(connection, transaction, memberId, fromId.Value, cancellationToken);
            result = existing;
        }
        else
        {
            result = me.IsFull ? new CreateRoomResult(CreateRoomOutcome.CallerFull)
                : requester.IsFull ? new CreateRoomResult(CreateRoomOutcome.OpponentFull)
                : await InsertRoomAsync(connection, transaction, memberId, fromId.Value, roomsPerPairPerDay, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return result with { OpponentId = fromId.Value };
    }

    private static async Task<Dictionary<long, LockedMember>> LockMembersAsync(
        MySqlConnection connection, MySqlTransaction transaction, long a, long b, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<LockedMember>(new CommandDefinition(
            LockMembersSql, new { ids = new[] { a, b } }, transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(m => m.Id);
    }

    private static async Task<bool> MayMeetAsync(MySqlConnection connection, MySqlTransaction transaction, long me, long other, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(MeetingRules.PairSql, new { me, other }, transaction, cancellationToken: cancellationToken));

    private static async Task<CreateRoomResult?> ExistingRoomAsync(
        MySqlConnection connection, MySqlTransaction transaction, long a, long b, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            ActiveRoomSql, new { low = Math.Min(a, b), high = Math.Max(a, b) }, transaction, cancellationToken: cancellationToken));
        return id is null ? null : new CreateRoomResult(CreateRoomOutcome.Existing, id.Value);
    }

    private static async Task<CreateRoomResult> RequestAsync(
        MySqlConnection connection, MySqlTransaction transaction, long from, long to, CancellationToken cancellationToken)
    {
        var existing = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(FindRequestSql, new { from, to }, transaction, cancellationToken: cancellationToken));
        if (existing is not null)
            return new CreateRoomResult(CreateRoomOutcome.Requested, RequestId: existing.Value);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertRequestSql, new { from, to }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            MetSql, new { low = Math.Min(from, to), high = Math.Max(from, to) }, transaction, cancellationToken: cancellationToken));
        return new CreateRoomResult(CreateRoomOutcome.Requested, RequestId: id, NewRequest: true);
    }

    private static async Task<CreateRoomResult> InsertRoomAsync(
        MySqlConnection connection, MySqlTransaction transaction, long a, long b, int roomsPerPairPerDay, CancellationToken cancellationToken)
    {
        var pair = new { low = Math.Min(a, b), high = Math.Max(a, b) };
        // Open-and-leave loops would otherwise add an inactive room and a system message to the
        // other's list each time (issue #21). The members' locks serialise a pair's openings.
        var openings = await connection.QuerySingleAsync<(long Count, DateTime? Oldest)>(new CommandDefinition(
            OpeningsSql, pair, transaction, cancellationToken: cancellationToken));
        if (openings.Count >= roomsPerPairPerDay)
            return new CreateRoomResult(CreateRoomOutcome.PairLimitReached,
                RetryAfter: DateTime.SpecifyKind(openings.Oldest!.Value, DateTimeKind.Utc).AddDays(1) - DateTime.UtcNow);
        await connection.ExecuteAsync(new CommandDefinition(RecordOpeningSql + MetSql, pair, transaction, cancellationToken: cancellationToken));
        var roomId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertRoomSql, pair, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertMembersSql, new { roomId, pair.low, pair.high }, transaction, cancellationToken: cancellationToken));
        await DeletePairRequestsAsync(connection, transaction, a, b, cancellationToken);
        return new CreateRoomResult(CreateRoomOutcome.Created, roomId);
    }

    private static Task DeletePairRequestsAsync(MySqlConnection connection, MySqlTransaction transaction, long a, long b, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            DeletePairRequestsSql, new { low = Math.Min(a, b), high = Math.Max(a, b) }, transaction, cancellationToken: cancellationToken));

    private sealed class LockedMember
    {
        public long Id { get; set; }
        public bool StudentVerified { get; set; }
        public long Capacity { get; set; }
        public DateTime? DeactivatedAt { get; set; }
        public long ActiveRooms { get; set; }
        public bool IsFull => ActiveRooms >= Capacity;
    }
}
