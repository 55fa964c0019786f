using Distance.Data.Auth;
using Distance.Realtime.Connections;
using Distance.Realtime.Identity;

namespace Distance.Realtime.Identity;

/// <summary>Ends everything a member is signed in with: deletion, deactivation and password reset use it.</summary>
public sealed partial class MemberSessions(
    LoginRepository logins, LoginRevocations revocations, MemberDisconnects disconnects, ILogger<MemberSessions> logger)
{
    /// <summary>
    /// Revokes every login (refresh tokens stop in MariaDB, access tokens at once through the Redis
    /// revocation list) and closes the member's live connections on every node.
    /// </summary>
    public async Task EndAllAsync(long memberId, CancellationToken cancellationToken)
    {
        var loginIds = await logins.RevokeAllAsync(memberId, cancellationToken);
        await revocations.RevokeAsync(loginIds);
        await disconnects.DisconnectEverywhereAsync(memberId);
        LogEnded(memberId, loginIds.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended all sessions of member {MemberId} ({Logins} logins revoked)")]
    private partial void LogEnded(long memberId, int logins);
}
