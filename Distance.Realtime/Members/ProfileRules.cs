using System.Text.RegularExpressions;
using Distance.Realtime.Errors;

namespace Distance.Realtime.Members;

/// <summary>The profile rules shared by sign-up and PATCH /api/me; limits follow the members table.</summary>
public static partial class ProfileRules
{
    public const int MaxTextLength = 50;
    public const int MaxInterestLength = 30;
    public const int MinInterests = 3;
    public const int MaxInterests = 5;

    [GeneratedRegex(@"\A[EI][SN][TF][JP]\z")]
    private static partial Regex MbtiPattern();

    public static string Mbti(this FieldErrors errors, string? value)
    {
        var mbti = value?.Trim().ToUpperInvariant() ?? "";
        if (!MbtiPattern().IsMatch(mbti))
            errors.Add("mbti", "One of the 16 MBTI types, e.g. INTJ.");
        return mbti;
    }

    public static string Gender(this FieldErrors errors, string? value)
    {
        if (value is not ("male" or "female"))
            errors.Add("gender", "\"male\" or \"female\".");
        return value ?? "";
    }

    /// <summary>Tags or hobbies: each trimmed, non-empty, short and not repeated.</summary>
    public static IReadOnlyList<string> Interests(this FieldErrors errors, string field, IReadOnlyList<string?>? values)
    {
        if (values is null)
            return [];
        var cleaned = values.Select(v => v?.Trim() ?? "").ToList();
        if (cleaned.Count > MaxInterests)
            errors.Add(field, $"At most {MaxInterests} entries.");
        if (cleaned.Any(v => v.Length == 0 || v.Length > MaxInterestLength))
            errors.Add(field, $"Each entry is 1–{MaxInterestLength} characters.");
        if (cleaned.Distinct(StringComparer.Ordinal).Count() != cleaned.Count)
            errors.Add(field, "Entries must not repeat.");
        return cleaned;
    }

    public const string InterestCountMessage = "Tags and hobbies together must be 3 to 5 entries.";
}
