namespace Distance.Realtime.Members;

/// <summary>
/// A part of deleting a member that a feature above Members owns (the member's rooms, today).
/// Members cannot call up the feature order, so each such feature registers its step at start-up
/// and <see cref="MemberDeletion"/> runs them all.
/// </summary>
public interface IMemberDeletionStep
{
    /// <summary>Idempotent: a deletion interrupted half-way runs every step again when the client retries.</summary>
    Task OnMemberDeletedAsync(long memberId, CancellationToken cancellationToken);
}
