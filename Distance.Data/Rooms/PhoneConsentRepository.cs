using System.Data;
using Dapper;
using Distance.Data.Push;
using MySqlConnector;

namespace Distance.Data.Rooms;

public enum ConsentOutcome { NotMember, Inactive, NotEnoughExchanges, Consented }

/// <summary><see cref="BecameShared"/> is true only for the consent that completed the pair.</summary>
public sealed record ConsentResult(ConsentOutcome Outcome, bool PhoneShared = false, bool BecameShared = false, long? OpponentId = null);

/// <summary>The opponent's phone is readable only while the caller is in the room and both consented.</summary>
public sealed record OpponentPhone(bool IsMember, string? Phone);

/// <summary>Phone reveal: both members consent, and only after enough exchanges.</summary>
public sealed class PhoneConsentRepository(MySqlDataSource dataSource)
{
    private const string LockSql = """
        SELECT r.status AS Status, r.exchanges AS Exchanges, me.phone_consent AS MyConsent,
               o.member_id AS OpponentId, o.phone_consent AS OpponentConsent
        FROM rooms r
        JOIN room_members me ON me.room_id = r.id AND me.member_id = @memberId AND me.left_at IS NULL
        LEFT JOIN room_members o ON o.room_id = r.id AND o.member_id <> @memberId
        WHERE r.id = @roomId
        FOR UPDATE
        """;

    private const string ConsentSql = "UPDATE room_members SET phone_consent = TRUE WHERE room_id = @roomId AND member_id = @memberId";

    private const string PhoneSql = """
        SELECT me.phone_consent AS MyConsent, o.phone_consent AS OpponentConsent, m.phone AS Phone
        FROM room_members me
        LEFT JOIN room_members o ON o.room_id = me.room_id AND o.member_id <> me.member_id
        LEFT JOIN members m ON m.id = o.member_id
        WHERE me.room_id = @roomId AND me.member_id = @memberId AND me.left_at IS NULL
        """;

    public async Task<ConsentResult> ConsentAsync(long roomId, long memberId, int minimumExchanges, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ConsentRow>(new CommandDefinition(LockSql, new { roomId, memberId }, transaction, cancellationToken: cancellationToken));
        if (row is null)
            return new ConsentResult(ConsentOutcome.NotMember);
        if (row.Status != RoomStatus.Active)
            return new ConsentResult(ConsentOutcome.Inactive);
        if (row.Exchanges < minimumExchanges)
            return new ConsentResult(ConsentOutcome.NotEnoughExchanges);

        var shared = row.OpponentConsent == true;
        if (!row.MyConsent)
        {
            await connection.ExecuteAsync(new CommandDefinition(ConsentSql, new { roomId, memberId }, transaction, cancellationToken: cancellationToken));
            // The consent that completes the pair tells the other member, who consented earlier.
            if (shared && row.OpponentId is { } opponentId)
                await PushOutboxWriter.AddAsync(connection, transaction, [new PushEvent(opponentId, PushEventKinds.Phone, roomId, memberId)], cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new ConsentResult(ConsentOutcome.Consented, shared, shared && !row.MyConsent, row.OpponentId);
    }

    public async Task<OpponentPhone> OpponentPhoneAsync(long roomId, long memberId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PhoneRow>(new CommandDefinition(PhoneSql, new { roomId, memberId }, cancellationToken: cancellationToken));
        if (row is null)
            return new OpponentPhone(false, null);
        return new OpponentPhone(true, row.MyConsent && row.OpponentConsent == true ? row.Phone : null);
    }

    private sealed class ConsentRow
    {
        public string Status { get; set; } = "";
        public int Exchanges { get; set; }
        public bool MyConsent { get; set; }
        public long? OpponentId { get; set; }
        public bool? OpponentConsent { get; set; }
    }

    private sealed class PhoneRow
    {
        public bool MyConsent { get; set; }
        public bool? OpponentConsent { get; set; }
        public string? Phone { get; set; }
    }
}
