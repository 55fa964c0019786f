using Distance.Data.Locations;
using Distance.Data.Members;
using Distance.Realtime.Identity;

namespace Distance.Realtime.Members;

/// <summary>
/// DELETE /api/me. Each step is idempotent, so a deletion interrupted half-way (a dependency
/// down) completes when the client retries with a new login.
/// </summary>
public sealed partial class MemberDeletion(
    MemberSessions sessions, IEnumerable<IMemberDeletionStep> steps, LocationRepository locations, MemberRepository members,
    ILogger<MemberDeletion> logger)
{
    public async Task DeleteAsync(long memberId, CancellationToken cancellationToken)
    {
        // First nobody can act as the member any more: logins and access tokens revoked, sockets closed on every node.
        await sessions.EndAllAsync(memberId, cancellationToken);

        // The features above Members clean up: e.g. the member's active rooms become inactive for the
        // opponent (who then sees the opponent as deleted), inactive rooms are deleted, pending room
        // requests are dropped (Rooms' RoomCleanup).
        foreach (var step in steps)
            await step.OnMemberDeletedAsync(memberId, cancellationToken);

        // Out of the matching grid, so no bucket keeps a slot for a member who is gone.
        await locations.RemoveAsync(memberId, cancellationToken);

        // Then the row goes, with its logins, refresh tokens and reports: the phone can sign up again.
        await members.DeleteAsync(memberId, cancellationToken);
        LogDeleted(memberId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} deleted their account")]
    private partial void LogDeleted(long memberId);
}
