using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distance.Realtime.Errors;

/// <summary>Collects every problem of a request body, so the client gets one 400 naming all fields.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
            errors[field] = messages = [];
        messages.Add(message);
    }

    /// <summary>A required text: trimmed, non-empty and at most <paramref name="maxLength"/> characters.</summary>
    public string Text(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
            Add(field, "Required.");
        else if (trimmed.Length > maxLength)
            Add(field, $"At most {maxLength} characters.");
        return trimmed;
    }

    public ValidationProblem ToProblem() =>
        Problems.Validation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
