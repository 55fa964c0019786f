using System.Globalization;

namespace Distance.Load.Festival;

/// <summary>One kind of HTTP request of the mix and its share of the requests, in percent.</summary>
public sealed record MixShare(string Kind, double Percent);

/// <summary>
/// Festival night in numbers and the real mix of its HTTP requests. The night: ~33 HTTP requests/s
/// and ~4,000 chat messages an hour (README.md); a multiple N offers 33·N requests/s and
/// 4,000·N/3,600 messages/s. The shares are the festival crowd's behaviour as the product sees it:
/// the app reports its member's location while open (most requests), the room list is read on
/// every return to the app, a room's history on opening it, and matches are asked for now and then.
/// No per-route log of the night survives, so the shares are an estimate; <c>--mix</c> changes them.
/// </summary>
public static class FestivalMix
{
    public const double HttpPerSecond = 33;
    public const double ChatPerHour = 4_000;

    public const string Location = "location";
    public const string Matches = "matches";
    public const string Rooms = "rooms";
    public const string History = "history";

    public const string Default = "location:45,matches:15,rooms:25,history:15";

    private static readonly string[] Kinds = [Location, Matches, Rooms, History];

    /// <summary>"location:45,matches:15,…": every kind once at most, shares summing to 100.</summary>
    public static IReadOnlyList<MixShare> Parse(string text)
    {
        var shares = new List<MixShare>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length != 2 || !Kinds.Contains(pieces[0]) || shares.Any(s => s.Kind == pieces[0])
                || !double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent < 0)
                throw new ArgumentException($"--mix: '{part}' is not kind:percent with a kind of {string.Join(", ", Kinds)} (each once)");
            shares.Add(new MixShare(pieces[0], percent));
        }
        if (Math.Abs(shares.Sum(s => s.Percent) - 100) > 0.01)
            throw new ArgumentException("--mix: the shares must add up to 100");
        return shares;
    }

    /// <summary>"location 45 %, matches 15 %, …"</summary>
    public static string Describe(IEnumerable<MixShare> shares) =>
        string.Join(", ", shares.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Kind} {s.Percent:0.#} %")));
}
