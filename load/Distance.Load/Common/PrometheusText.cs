using System.Globalization;

namespace Distance.Load.Common;

/// <summary>One sample of a node's /metrics: a metric name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads the Prometheus text format as a node's /metrics serves it (OpenTelemetry's exporter):
/// enough for a load driver to sample gauges and histogram buckets, not a full parser (no escaped
/// quotes inside label values, which our metrics do not have).
/// </summary>
public static class PrometheusText
{
    public static List<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name, rest;
            if (brace >= 0 && (space < 0 || brace < space))
            {
                var close = line.IndexOf('}', brace);
                if (close < 0)
                    continue;
                name = line[..brace];
                foreach (var pair in line[(brace + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0)
                        labels[pair[..equals].Trim()] = pair[(equals + 1)..].Trim().Trim('"');
                }
                rest = line[(close + 1)..];
            }
            else if (space > 0)
            {
                name = line[..space];
                rest = line[space..];
            }
            else
            {
                continue;
            }
            // The value, then an optional timestamp.
            var value = rest.Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || TryInfinity(value, out parsed))
                samples.Add(new PrometheusSample(name, labels, parsed));
        }
        return samples;
    }

    /// <summary>Sum of every series of <paramref name="name"/> whose labels include the given ones.</summary>
    public static double Sum(this IEnumerable<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>A histogram's cumulative buckets (upper bound, count), summed over its series, by bound.</summary>
    public static IReadOnlyList<(double UpperBound, double Count)> Buckets(this IEnumerable<PrometheusSample> samples, string histogram) =>
        samples.Where(s => s.Name == histogram + "_bucket" && s.Labels.ContainsKey("le"))
            .GroupBy(s => TryInfinity(s.Labels["le"], out var inf) ? inf : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture))
            .Select(g => (g.Key, g.Sum(s => s.Value)))
            .OrderBy(b => b.Key)
            .ToList();

    private static bool TryInfinity(string text, out double value)
    {
        value = text switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => 0 };
        return text is "+Inf" or "-Inf" or "NaN";
    }
}
