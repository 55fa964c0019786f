using System.Collections.Concurrent;
using System.Globalization;

namespace Distance.Load.Common;

/// <summary>
/// How often each outcome was seen: HTTP status codes, hub error codes or exception type names.
/// Printed beside a latency line so an error count always says what the errors were.
/// </summary>
public sealed class StatusCounts
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public void Add(string outcome) => counts.AddOrUpdate(outcome, 1, (_, c) => c + 1);

    public void Add(System.Net.HttpStatusCode status) => Add(((int)status).ToString(CultureInfo.InvariantCulture));

    public long this[string outcome] => counts.GetValueOrDefault(outcome);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(counts, StringComparer.Ordinal);

    /// <summary>"204=1200 429=3", most frequent first; "-" when nothing was seen.</summary>
    public override string ToString() => counts.IsEmpty
        ? "-"
        : string.Join(' ', counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}={c.Value}")));
}
