using Dapper;

namespace Distance.Data.Locations;

/// <summary>
/// A cover's cells as ranges of consecutive cell ids, for the bucket statements. A band's columns
/// are consecutive ids (<c>band &lt;&lt; 24 | column</c>), so the ~22 cells of a 1 km cover are ~5
/// ranges, and MariaDB reads 5 index ranges for less than it costs to join 22 cells from a JSON
/// list (docs/benchmarks.md).
/// </summary>
internal sealed class CellRanges
{
    private readonly List<(long First, long Last)> ranges = [];

    public CellRanges(IEnumerable<long> cells)
    {
        foreach (var cell in cells.Distinct().Order())
        {
            if (ranges.Count > 0 && ranges[^1].Last == cell - 1)
                ranges[^1] = (ranges[^1].First, cell);
            else
                ranges.Add((cell, cell));
        }
    }

    public int Count => ranges.Count;

    /// <summary><c>(column BETWEEN @first0 AND @last0 OR …)</c>, one term per range; FALSE for none.</summary>
    public static string Condition(string column, int count) => count == 0
        ? "FALSE"
        : "(" + string.Join(" OR ", Enumerable.Range(0, count).Select(i => $"{column} BETWEEN @first{i} AND @last{i}")) + ")";

    /// <summary><paramref name="others"/>' parameters and the bounds for <see cref="Condition"/>.</summary>
    public DynamicParameters ParametersWith(object others)
    {
        var parameters = new DynamicParameters(others);
        foreach (var (name, value) in Bounds())
            parameters.Add(name, value);
        return parameters;
    }

    /// <summary>The bound parameters of <see cref="Condition"/>, by name.</summary>
    public IEnumerable<(string Name, long Value)> Bounds() =>
        ranges.SelectMany((range, i) => new[] { ($"first{i}", range.First), ($"last{i}", range.Last) });
}
