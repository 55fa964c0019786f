namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Names of the endpoint rate-limit policies, for <c>RequireRateLimiting(...)</c> on a feature's
/// route group. They apply on top of the global per-member / per-IP limit every request passes.
/// </summary>
public static class RateLimitPolicies
{
    /// <summary>POST /api/auth/* (login, refresh, logout, password-reset): guesses at passwords and tokens, by client IP.</summary>
    public const string Auth = "auth";

    /// <summary>POST /api/verifications/* and POST /api/members (sign-up): codes cost money and invite enumeration, by client IP.</summary>
    public const string Verification = "verification";

    /// <summary>GET /api/matches: the spatial query, by member.</summary>
    public const string Matching = "matching";

    /// <summary>POST /api/rooms, /api/requests/*, /api/reports, /api/rooms/{id}/phone-consent: actions that reach someone else, by member.</summary>
    public const string Social = "social";

    /// <summary>The global limiter's name in metrics and logs (not a policy to attach).</summary>
    public const string Global = "global";

    public static readonly IReadOnlyList<string> All = [Auth, Verification, Matching, Social];

    /// <summary>The policy name a hub method is counted under in metrics, e.g. <c>hub:SendMessage</c>.</summary>
    public static string ForHubMethod(string method) => "hub:" + method;
}
