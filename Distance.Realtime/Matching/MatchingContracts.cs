using Distance.Realtime.Members;

namespace Distance.Realtime.Matching;

/// <summary>PUT /api/me/location. Nullable so a missing field is a validation error, not a zero.</summary>
public sealed record LocationRequest(double? Latitude, double? Longitude);

public sealed record MatchesResponse(IReadOnlyList<Match> Matches);

public sealed record Match(PublicProfile Member, double DistanceMeters);
