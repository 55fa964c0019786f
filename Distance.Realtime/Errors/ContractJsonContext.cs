using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distance.Realtime.Errors;

/// <summary>
/// Source-generated JSON for the contract types of the busiest routes (issue 20: the festival mix
/// of location updates, matches, room lists and history pages), first in the HTTP serializer's
/// resolver chain; every other type still goes through the reflection resolver behind it. The
/// generated metadata follows the options it is used with (camelCase, unknown members refused),
/// so the wire format does not change.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LocationRequest))]
[JsonSerializable(typeof(MatchesResponse))]
[JsonSerializable(typeof(IReadOnlyList<RoomSummary>))]
[JsonSerializable(typeof(MessagesPage))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
