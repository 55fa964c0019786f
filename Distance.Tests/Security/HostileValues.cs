using System.Text;

namespace Distance.Tests.Security;

/// <summary>The hostile inputs the fuzz tests send: route values, query values, whole bodies and single JSON values.</summary>
public static class HostileValues
{
    /// <summary>Route parameter values, already URL-escaped. (No %00: Kestrel refuses it in the request line before the app, and the test server's client will not send it.)</summary>
    public static readonly IReadOnlyList<string> PathValues =
    [
        "0", "-1", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "abc", "1.5", "NaN", "Infinity",
        "1%27%20OR%201%3D1--", "%FF%FE", "%E2%80%AE1", "..%2F..%2Fetc%2Fpasswd", new string('9', 5000),
    ];

    /// <summary>Query values (escaped by the caller).</summary>
    public static readonly IReadOnlyList<string> QueryValues =
    [
        "", "abc", "-1", "0", "NaN", "Infinity", "-Infinity", "1e309", "99999999999999999999", "' OR 1=1 --", "%'; DROP TABLE schools; --",
        "\0", "<script>alert(1)</script>", "\uFFFF", "가천%_\\", new string('x', 10_000),
    ];

    /// <summary>Query values whose escaped form is itself hostile (invalid or overlong UTF-8).</summary>
    public static readonly IReadOnlyList<string> RawQueryValues = ["%FF", "%E0%80%80", "%C0%AF", "%ED%A0%80", "%", "%G1"];

    /// <summary>Whole request bodies (as bytes, sent as application/json).</summary>
    public static IEnumerable<(string Name, byte[] Body)> Bodies()
    {
        foreach (var text in new[]
                 {
                     "", "{", "}", "[]", "[1,2]", "null", "true", "\"text\"", "12", "{\"a\":1,}", "{'a':1}", "{\"x\":NaN}",
                     "{\"x\":Infinity}", "{\"x\":-Infinity}", "{\"unknownField\":1}", "{\"__proto__\":{\"admin\":true}}",
                     new string('[', 10_000), string.Concat(Enumerable.Repeat("{\"a\":", 1_000)), "{\"a\":\"" + new string('x', 2_000_000) + "\"}",
                 })
            yield return (Describe(text), Encoding.UTF8.GetBytes(text));
        yield return ("invalid UTF-8 in a string", [.. "{\"x\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);
        yield return ("invalid UTF-8 outside strings", [0xFE, 0xFF, 0x00, 0x7B]);
        yield return ("a BOM, then nothing", [0xEF, 0xBB, 0xBF]);
    }

    /// <summary>JSON values for one member of an otherwise empty object.</summary>
    public static readonly IReadOnlyList<string> JsonValues =
    [
        "\"x\"", "0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "true", "null", "[]", "{}",
        "\"NaN\"", "\"Infinity\"", "\"' OR 1=1; DROP TABLE members; --\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\uDFFF\\uD800\"",
        "\"<script>alert(1)</script>\"", "\"010-1234-5678\"", "[\"a\",1,null,{}]",
        "\"" + new string('가', 200_000) + "\"",
        "[" + string.Join(',', Enumerable.Repeat("\"tag\"", 20_000)) + "]",
        "[" + string.Join(',', Enumerable.Range(0, 5).Select(i => "\"" + new string((char)('a' + i), 100_000) + "\"")) + "]",
    ];

    public static string Describe(string text) => text.Length <= 40 ? text : $"{text[..20]}…({text.Length} chars)";
}
