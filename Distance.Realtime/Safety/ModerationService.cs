using Distance.Data.Moderation;
using Distance.Realtime.Identity;

namespace Distance.Realtime.Safety;

/// <summary>Operator actions: the repository records and applies them in one transaction; a ban then ends the member's sessions and announces the rooms.</summary>
public sealed partial class ModerationService(
    ModerationRepository moderation, MemberSessions sessions, SafetyEvents events, TimeProvider clock, ILogger<ModerationService> logger)
{
    public async Task<ModerationOutcome> ReinstateAsync(long operatorId, long memberId, CancellationToken cancellationToken)
    {
        var result = await moderation.ReinstateAsync(operatorId, memberId, null, clock.Millis(), cancellationToken);
        if (result.Outcome == ModerationOutcome.Done)
            LogAction(operatorId, "reinstate", memberId);
        return result.Outcome;
    }

    public async Task<ModerationOutcome> BanAsync(long operatorId, long memberId, string reason, CancellationToken cancellationToken)
    {
        var result = await moderation.BanAsync(operatorId, memberId, reason, clock.Millis(), cancellationToken);
        if (result.Outcome != ModerationOutcome.Done)
            return result.Outcome;
        LogAction(operatorId, "ban", memberId);
        // Sessions end even when the member was suspended already: ending twice is harmless.
        await sessions.EndAllAsync(memberId, cancellationToken);
        await events.RaiseAsync(new RoomsSuspended(memberId, result.InactiveRooms ?? []), cancellationToken);
        return result.Outcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator {OperatorId} did {Action} on member {MemberId}")]
    private partial void LogAction(long operatorId, string action, long memberId);
}
