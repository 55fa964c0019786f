using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Distance.Data.Locations;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Identity;
using Distance.Realtime.Members;
using Distance.Realtime.Observability;
using Distance.Realtime.Safety;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Matching;

internal static partial class MatchingEndpoints
{
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> PutLocationAsync(
        LocationRequest? request, ClaimsPrincipal user, LocationWriter locations, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var latitude = Coordinate(request?.Latitude, 90, "latitude", errors);
        var longitude = Coordinate(request?.Longitude, 180, "longitude", errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        if (!await locations.UpdateAsync(user.MemberId(), latitude, longitude, cancellationToken))
            return Problems.NotFound("The member does not exist.");
        return TypedResults.NoContent();
    }

    // Query values are bound as text so that a malformed one gets the contract's errors map.
    public static async Task<Results<Ok<MatchesResponse>, ValidationProblem, ProblemHttpResult>> GetMatchesAsync(
        string? radiusMeters, string? otherSchools, string? count, ClaimsPrincipal user,
        NearbyRepository nearby, ShownMembers shown, DistanceMetrics metrics, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var radius = Integer(radiusMeters, 1000, 1, 30_000, "radiusMeters", errors);
        var take = Integer(count, 4, 1, 20, "count", errors);
        var anySchool = false;
        if (otherSchools is not null && !bool.TryParse(otherSchools, out anySchool))
            errors["otherSchools"] = ["otherSchools must be true or false."];
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var memberId = user.MemberId();
        var started = Stopwatch.GetTimestamp();
        var found = await nearby.FindAsync(new NearbyQuery(memberId, radius, take, anySchool), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.MatchingQueryDuration.Record(elapsed.TotalSeconds);
        if (found is null)
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.LocationUnknown, "Send a location before asking for matches.");
        LogMatched(loggers.CreateLogger(typeof(MatchingEndpoints)), memberId, found.Count, radius, elapsed.TotalMilliseconds);

        // Whom the caller was shown may be reported by them for a day, even before any room (Safety).
        await shown.RecordAsync(memberId, found.Select(m => m.Profile.MemberId).ToList());
        // Coarse distances (contract v2): a multiple of 100 m, at least 100 (CoarsePositions).
        var matches = found.Select(m => new Match(PublicProfile.From(m.Profile), m.DistanceMeters)).ToList();
        return TypedResults.Ok(new MatchesResponse(matches));
    }

    private static double Coordinate(double? value, double limit, string name, Dictionary<string, string[]> errors)
    {
        if (value is not { } number)
            errors[name] = [$"{name} is required."];
        else if (!double.IsFinite(number) || number < -limit || number > limit)
            errors[name] = [$"{name} must be a number within ±{limit}."];
        return value ?? 0;
    }

    private static int Integer(string? text, int fallback, int min, int max, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors[name] = [$"{name} must be a whole number from {min} to {max}."];
        return fallback;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Member {MemberId} drew {Count} matches within {Radius} m in {Milliseconds} ms")]
    private static partial void LogMatched(ILogger logger, long memberId, int count, int radius, double milliseconds);
}
