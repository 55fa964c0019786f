namespace Distance.Realtime.Notifications;

/// <summary>
/// Values someone meant to replace: a well-known default, or text that says it is a placeholder
/// (as an <c>.env.example</c> writes them: <c>CHANGE_ME</c>, <c>&lt;secret&gt;</c>, <c>${VAR}</c>,
/// <c>your-key</c>…). The SMS settings refuse them outside Development.
/// </summary>
internal static class PlaceholderSecrets
{
    private static readonly HashSet<string> KnownDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passw0rd", "secret", "test", "default", "admin", "root", "token", "apikey", "api-key", "key",
        "123456", "12345678", "1234567890", "qwerty", "letmein",
    };

    private static readonly string[] Marks = ["changeme", "change_me", "change-me", "placeholder", "replace", "your-", "your_", "xxxx", "example", "dummy"];

    public static bool IsPlaceholder(string value)
    {
        var secret = value.Trim();
        return KnownDefaults.Contains(secret)
            || (secret.StartsWith('<') && secret.EndsWith('>'))
            || secret.StartsWith("${", StringComparison.Ordinal)
            || Marks.Any(mark => secret.Contains(mark, StringComparison.OrdinalIgnoreCase));
    }
}
