using System.Buffers;
using System.Text;

namespace Distance.Realtime.Chat;

/// <summary>The contract's message rules: text 1–500 characters after trimming, a UUID client message id.</summary>
internal static class MessageText
{
    public const int MaxLength = 500;

    /// <summary>
    /// Trims and checks the text. Characters are Unicode code points (what MariaDB's utf8mb4
    /// VARCHAR(500) counts), so an emoji is one character; a lone surrogate makes the text invalid.
    /// </summary>
    public static bool TryNormalize(string? text, out string normalized)
    {
        normalized = text?.Trim() ?? "";
        if (normalized.Length == 0 || normalized.Length > 2 * MaxLength)
            return false;
        var remaining = normalized.AsSpan();
        var count = 0;
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out _, out var consumed) != OperationStatus.Done || ++count > MaxLength)
                return false;
            remaining = remaining[consumed..];
        }
        return true;
    }

    /// <summary>Accepts the canonical 8-4-4-4-12 form in either case; the id is stored and echoed in lower case.</summary>
    public static bool TryParseClientMessageId(string? value, out Guid id) => Guid.TryParseExact(value, "D", out id);
}
