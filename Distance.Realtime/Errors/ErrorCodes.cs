namespace Distance.Realtime.Errors;

/// <summary>The stable <c>code</c> values of ../shared/CONTRACT.md that clients switch on.</summary>
public static class ErrorCodes
{
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
}
