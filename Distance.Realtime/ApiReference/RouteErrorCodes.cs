using Distance.Realtime.Errors;

namespace Distance.Realtime.ApiReference;

/// <summary>
/// The contract's error codes per route beyond the generic ones every route may answer (see
/// <see cref="ErrorCodesTransformer"/>): what a client of that route must be ready to switch on.
/// Keyed by method and route template as the OpenAPI document writes it.
/// </summary>
internal static class RouteErrorCodes
{
    public static readonly IReadOnlyDictionary<string, (int Status, string Code)[]> ByRoute = new Dictionary<string, (int, string)[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["POST /api/verifications/sms"] = [(409, ErrorCodes.PhoneTaken), (429, ErrorCodes.TooManyCodes), (503, ErrorCodes.Unavailable)],
        ["POST /api/verifications/sms/confirm"] = [(400, ErrorCodes.CodeMismatch), (410, ErrorCodes.CodeExpired)],
        ["POST /api/members"] = [(409, ErrorCodes.PhoneTaken), (410, ErrorCodes.CodeExpired)],
        ["POST /api/auth/login"] = [(401, ErrorCodes.InvalidCredentials), (403, ErrorCodes.AccountDeactivated)],
        ["POST /api/auth/refresh"] = [(401, ErrorCodes.TokenInvalid), (401, ErrorCodes.TokenExpired), (401, ErrorCodes.RefreshReused)],
        ["POST /api/auth/logout"] = [],
        ["POST /api/auth/password-reset"] = [(404, ErrorCodes.NotFound), (410, ErrorCodes.CodeExpired)],
        ["POST /api/verifications/school-email"] = [(422, ErrorCodes.EmailDomainMismatch), (429, ErrorCodes.TooManyCodes), (503, ErrorCodes.Unavailable)],
        ["POST /api/verifications/school-email/confirm"] = [(400, ErrorCodes.CodeMismatch), (410, ErrorCodes.CodeExpired)],
        ["GET /api/me"] = [(404, ErrorCodes.NotFound)],
        ["PATCH /api/me"] = [(404, ErrorCodes.NotFound)],
        ["DELETE /api/me"] = [],
        ["GET /api/members/{id}"] = [(404, ErrorCodes.NotFound)],
        ["GET /api/schools"] = [],
        ["PUT /api/me/location"] = [],
        ["GET /api/matches"] = [(409, ErrorCodes.LocationUnknown)],
        ["POST /api/rooms"] = [(403, ErrorCodes.StudentUnverified), (404, ErrorCodes.NotFound), (409, ErrorCodes.RoomLimitReached)],
        ["GET /api/rooms"] = [],
        ["GET /api/rooms/{roomId}/messages"] = [(404, ErrorCodes.RoomNotFound)],
        ["POST /api/rooms/{roomId}/read"] = [(404, ErrorCodes.RoomNotFound)],
        ["POST /api/rooms/{roomId}/leave"] = [(404, ErrorCodes.RoomNotFound)],
        ["POST /api/rooms/{roomId}/phone-consent"] = [(404, ErrorCodes.RoomNotFound), (409, ErrorCodes.NotEnoughExchanges), (409, ErrorCodes.RoomInactive)],
        ["GET /api/rooms/{roomId}/phone"] = [(403, ErrorCodes.Forbidden), (404, ErrorCodes.RoomNotFound)],
        ["GET /api/requests"] = [],
        ["POST /api/requests/{requestId}/accept"] = [(404, ErrorCodes.NotFound), (409, ErrorCodes.RoomLimitReached)],
        ["DELETE /api/requests/{requestId}"] = [(404, ErrorCodes.NotFound)],
        ["POST /api/reports"] = [(404, ErrorCodes.NotFound), (409, ErrorCodes.AlreadyReported)],
    };
}
