using System.Globalization;

namespace Distance.Load.Common;

/// <summary>"--name value" pairs and bare "--flag"s, read by name with a default.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

    public static Arguments Parse(IEnumerable<string> args)
    {
        var parsed = new Arguments();
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                    parsed.values[pending] = null;
                pending = arg[2..];
            }
            else if (pending is not null)
            {
                parsed.values[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }
        if (pending is not null)
            parsed.values[pending] = null;
        return parsed;
    }

    public string String(string name, string fallback) => values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    public bool Flag(string name) => values.ContainsKey(name);

    public double Number(string name, double fallback)
    {
        if (!values.TryGetValue(name, out var text) || text is null)
            return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} must be a number");
    }

    public int Integer(string name, int fallback) => (int)Number(name, fallback);
}
