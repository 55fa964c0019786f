namespace Distance.Realtime.Identity;

/// <summary>
/// The accounts feature's log lines. Ids only: never a phone number, password, code or token.
/// </summary>
public sealed partial class AccountsLog(ILogger<AccountsLog> logger)
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Issued an SMS code for {Purpose}")]
    public partial void SmsCodeIssued(string purpose);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an SMS code: {Reason}")]
    public partial void SmsCodeRefused(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver an SMS code; it was withdrawn")]
    public partial void SmsDeliveryFailed();

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} signed up (referral: {Referred})")]
    public partial void SignedUp(long memberId, bool referred);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} logged in as login {LoginId}")]
    public partial void LoggedIn(long memberId, long loginId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a login: {Reason}")]
    public partial void LoginRefused(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh token reuse on login {LoginId} of member {MemberId}: the login is revoked")]
    public partial void RefreshReused(long loginId, long memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Login {LoginId} logged out")]
    public partial void LoggedOut(long loginId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} reset the password")]
    public partial void PasswordReset(long memberId);
}
