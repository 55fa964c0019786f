using System.Globalization;
using Distance.Data.Members;
using Distance.Data.Safety;
using Distance.Realtime.Members;

namespace Distance.Realtime.Safety;

/// <summary>
/// Blocking: the block and its effects on requests and rooms commit in one transaction
/// (BlockRepository); then the features above hear which rooms closed (SafetyEvents), so the
/// other member gets the usual system message and RoomUpdated on every node.
/// </summary>
public sealed class BlockService(BlockRepository blocks, PublicProfileRepository profiles, SafetyEvents events, TimeProvider clock)
{
    public async Task<BlockOutcome> BlockAsync(long blockerId, long blockedId, CancellationToken cancellationToken)
    {
        var result = await blocks.BlockAsync(blockerId, blockedId, await LeftTextAsync(blockerId, cancellationToken), clock.Millis(), cancellationToken);
        await events.RaiseAsync(new RoomsLeft(blockerId, result.ClosedRooms), cancellationToken);
        return result.Outcome;
    }

    public Task UnblockAsync(long blockerId, long blockedId, CancellationToken cancellationToken) =>
        blocks.UnblockAsync(blockerId, blockedId, cancellationToken);

    /// <summary>The caller's blocks, newest first; members who deleted their account are left out.</summary>
    public async Task<IReadOnlyList<BlockedMember>> ListAsync(long blockerId, CancellationToken cancellationToken)
    {
        var rows = await blocks.ListAsync(blockerId, cancellationToken);
        var found = await profiles.FindAsync(rows.Select(r => r.MemberId).ToList(), cancellationToken);
        return rows.Where(r => found.ContainsKey(r.MemberId))
            .Select(r => new BlockedMember(PublicProfile.From(found[r.MemberId]), r.BlockedAt)).ToList();
    }

    /// <summary>The system message of a room the member leaves, as a leave writes it: "&lt;nickname&gt; left".</summary>
    internal async Task<string> LeftTextAsync(long memberId, CancellationToken cancellationToken)
    {
        var me = await profiles.FindAsync(memberId, cancellationToken);
        return $"{me?.Nickname ?? "#" + memberId.ToString(CultureInfo.InvariantCulture)} left";
    }
}
