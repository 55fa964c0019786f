using System.Data;
using Dapper;
using MySqlConnector;

namespace Distance.Data.Safety;

public enum BlockOutcome { Blocked, MemberNotFound }

public sealed record BlockResult(BlockOutcome Outcome, IReadOnlyList<ClosedRoom> ClosedRooms);

public sealed record BlockRow(long MemberId, DateTime BlockedAt);

/// <summary>Blocks (contract v2 "Blocking"); their effect on meeting is in <see cref="MeetingRules"/>.</summary>
public sealed class BlockRepository(MySqlDataSource dataSource)
{
    private const string BlockedBySql = "SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @blocker AND blocked_id = @viewer)";

    /// <summary>
    /// Blocks <paramref name="blockedId"/> with every effect of <see cref="PairSeparation"/>; again is
    /// a no-op. A member who does not exist or has blocked the caller is hidden: MemberNotFound.
    /// </summary>
    public async Task<BlockResult> BlockAsync(long blockerId, long blockedId, string blockerLeftText, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var existing = await PairSeparation.LockMembersAsync(connection, transaction, blockerId, blockedId, cancellationToken);
        if (!existing.Contains(blockedId) || !existing.Contains(blockerId) || await IsBlockedByAsync(connection, transaction, blockedId, blockerId, cancellationToken))
            return new BlockResult(BlockOutcome.MemberNotFound, []);
        var closed = await PairSeparation.BlockAsync(connection, transaction, blockerId, blockedId, blockerLeftText, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BlockResult(BlockOutcome.Blocked, closed);
    }

    private const string UnblockSql = "DELETE FROM blocks WHERE blocker_id = @blockerId AND blocked_id = @blockedId";

    /// <summary>Lifts the caller's block; nothing the block closed comes back. A report's block stays with the report.</summary>
    public async Task UnblockAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UnblockSql, new { blockerId, blockedId }, cancellationToken: cancellationToken));
    }

    // Blocks of members who deleted their account keep their old id until the phone signs up again.
    private const string ListSql = """
        SELECT blocked_id AS MemberId, created_at AS BlockedAt FROM blocks
        WHERE blocker_id = @blockerId AND blocked_phone_hash IS NULL
        ORDER BY created_at DESC, blocked_id DESC
        """;

    public async Task<IReadOnlyList<BlockRow>> ListAsync(long blockerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<BlockRow>(new CommandDefinition(ListSql, new { blockerId }, cancellationToken: cancellationToken));
        return rows.Select(r => r with { BlockedAt = DateTime.SpecifyKind(r.BlockedAt, DateTimeKind.Utc) }).ToList();
    }

    /// <summary>True when <paramref name="memberId"/> has blocked <paramref name="viewerId"/>: the member's profile is hidden from the viewer.</summary>
    public async Task<bool> IsHiddenFromAsync(long memberId, long viewerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            BlockedBySql, new { blocker = memberId, viewer = viewerId }, cancellationToken: cancellationToken));
    }

    private static async Task<bool> IsBlockedByAsync(
        MySqlConnection connection, MySqlTransaction transaction, long blocker, long viewer, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(BlockedBySql, new { blocker, viewer }, transaction, cancellationToken: cancellationToken));
}
