namespace Distance.Realtime.Errors;

/// <summary>
/// The stable <c>code</c> values of docs/api.md that clients switch on: HTTP
/// ProblemDetails extensions and, for the hub, the exact <c>HubException</c> message.
/// </summary>
public static class ErrorCodes
{
    // Generic
    public const string ValidationFailed = "validation_failed";
    public const string TokenInvalid = "token_invalid";
    public const string TokenExpired = "token_expired";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string InternalError = "internal_error";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";

    // Accounts and verification
    public const string PhoneTaken = "phone_taken";
    public const string TooManyCodes = "too_many_codes";
    public const string CodeMismatch = "code_mismatch";
    public const string CodeExpired = "code_expired";
    public const string InvalidCredentials = "invalid_credentials";
    public const string AccountDeactivated = "account_deactivated";
    public const string RefreshReused = "refresh_reused";
    public const string EmailDomainMismatch = "email_domain_mismatch";
    public const string EmailInUse = "email_in_use";
    public const string TooManyAttempts = "too_many_attempts";
    public const string SmsBudgetExhausted = "sms_budget_exhausted";
    public const string PasswordMismatch = "password_mismatch";

    // Matching
    public const string LocationUnknown = "location_unknown";

    // Rooms and chat
    public const string StudentUnverified = "student_unverified";
    public const string RoomLimitReached = "room_limit_reached";
    public const string NotEnoughExchanges = "not_enough_exchanges";
    public const string MessageInvalid = "message_invalid";
    public const string RoomNotFound = "room_not_found";
    public const string RoomInactive = "room_inactive";
    public const string TooManyRooms = "too_many_rooms";

    // Safety and moderation
    public const string AlreadyReported = "already_reported";
    public const string MemberNotFound = "member_not_found";
    public const string TooManyReports = "too_many_reports";
    public const string PhoneBanned = "phone_banned";
}
