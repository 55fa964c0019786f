using System.Data;
using Dapper;
using Distance.Data.Auth;
using Distance.Data.Safety;
using MySqlConnector;

namespace Distance.Data.Moderation;

public enum ModerationOutcome { Done, MemberNotFound }

/// <param name="EndedSessions">The member was active until now: their sessions are to end everywhere.</param>
/// <param name="InactiveRooms">Rooms the ban made inactive, for their opponents to hear of.</param>
public sealed record ModerationResult(ModerationOutcome Outcome, bool EndedSessions = false, IReadOnlyList<SuspendedRoom>? InactiveRooms = null);

/// <summary>
/// What operators do (contract v2 "Operators"): reinstate and ban, each recorded in the append-only
/// moderation_actions (this class only ever inserts there). The member's row is locked, as a
/// report locks it, so an action and a report crossing the threshold serialise.
/// </summary>
public sealed class ModerationRepository(MySqlDataSource dataSource, PhoneHasher phoneHasher)
{
    private const string LockMemberSql = "SELECT phone AS Phone, moderation AS Moderation FROM members WHERE id = @memberId FOR UPDATE";

    private const string RecordSql = """
        INSERT INTO moderation_actions (operator_id, action, member_id, reason, created_at)
        VALUES (@operatorId, @action, @memberId, @reason, @now)
        """;

    private const string ResolveSql = "UPDATE reports SET resolved_at = @now WHERE reported_id = @memberId AND resolved_at IS NULL";

    private const string ReinstateSql = """
        UPDATE members SET deactivated_at = NULL, moderation = 'active' WHERE id = @memberId;
        DELETE FROM banned_phones WHERE member_id = @memberId
        """;

    /// <summary>Lifts a suspension (or a ban) and resolves the member's open reports. Rooms that went inactive stay so.</summary>
    public async Task<ModerationResult> ReinstateAsync(long operatorId, long memberId, string? reason, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var member = await LockAsync(connection, transaction, memberId, cancellationToken);
        if (member is null)
            return new ModerationResult(ModerationOutcome.MemberNotFound);
        var parameters = new { operatorId, memberId, reason, now, action = "reinstate" };
        await connection.ExecuteAsync(new CommandDefinition(ReinstateSql + ";" + ResolveSql + ";" + RecordSql, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new ModerationResult(ModerationOutcome.Done);
    }

    private const string BanSql = """
        UPDATE members SET deactivated_at = COALESCE(deactivated_at, @now), moderation = 'banned' WHERE id = @memberId
        """;

    // A member who deleted the account is known to the queue by the phone hash its reports keep.
    private const string DeletedMemberHashSql = """
        SELECT reported_phone_hash FROM reports WHERE reported_id = @memberId AND reported_phone_hash IS NOT NULL LIMIT 1
        """;

    /// <summary>
    /// Suspends for good: the member is deactivated, their active rooms turn inactive for the
    /// opponents, their open reports are resolved and the phone's hash joins the banned phones.
    /// A member who deleted the account can be banned too (their phone can then not sign up again).
    /// </summary>
    public async Task<ModerationResult> BanAsync(long operatorId, long memberId, string reason, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var member = await LockAsync(connection, transaction, memberId, cancellationToken);
        var hash = member is not null
            ? phoneHasher.Hash(member.Phone)
            : await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(DeletedMemberHashSql, new { memberId }, transaction, cancellationToken: cancellationToken));
        if (hash is null)
            return new ModerationResult(ModerationOutcome.MemberNotFound);

        var parameters = new { operatorId, memberId, reason, now, hash, action = "ban" };
        IReadOnlyList<SuspendedRoom> rooms = [];
        if (member is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(BanSql, parameters, transaction, cancellationToken: cancellationToken));
            rooms = await Suspensions.InactivateRoomsAsync(connection, transaction, memberId, cancellationToken);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            BannedPhoneRepository.BanSql + ";" + ResolveSql + ";" + RecordSql, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new ModerationResult(ModerationOutcome.Done, member?.Moderation == "active", rooms);
    }

    private static Task<LockedMember?> LockAsync(MySqlConnection connection, MySqlTransaction transaction, long memberId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<LockedMember>(new CommandDefinition(LockMemberSql, new { memberId }, transaction, cancellationToken: cancellationToken));

    private sealed record LockedMember(string Phone, string Moderation);
}
