using System.Runtime.Serialization;

namespace Distance.Contracts;

/// <summary>PUT /api/me/location. Nullable so a missing field is a validation error, not a zero.</summary>
[DataContract]
public sealed record LocationRequest(
    [property: DataMember(Name = "latitude")] double? Latitude,
    [property: DataMember(Name = "longitude")] double? Longitude);

[DataContract]
public sealed record MatchesResponse([property: DataMember(Name = "matches")] IReadOnlyList<Match> Matches);

/// <summary>A candidate and its distance, a multiple of 100 m (positions are snapped to a ~100 m grid).</summary>
[DataContract]
public sealed record Match(
    [property: DataMember(Name = "member")] PublicProfile Member,
    [property: DataMember(Name = "distanceMeters")] double DistanceMeters);
