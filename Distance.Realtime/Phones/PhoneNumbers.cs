using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Distance.Realtime.Phones;

/// <summary>
/// Korean mobile numbers as the contract accepts them: <c>010-1234-5678</c> or <c>01012345678</c>,
/// stored and returned as 11 digits. Only 010 remains in use for mobiles.
/// </summary>
public static partial class PhoneNumbers
{
    [GeneratedRegex(@"\A010(?:-[0-9]{4}-[0-9]{4}|[0-9]{8})\z")]
    private static partial Regex Mobile();

    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? digits)
    {
        digits = null;
        if (input is null || !Mobile().IsMatch(input))
            return false;
        digits = input.Replace("-", "", StringComparison.Ordinal);
        return true;
    }

    public const string FormatMessage = "A Korean mobile number: 010-1234-5678 or 01012345678.";
}
