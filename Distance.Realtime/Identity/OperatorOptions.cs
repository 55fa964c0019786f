using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Identity;

/// <summary>
/// The identity side of moderation (section "Moderation"): who is an operator, and the key under
/// which phones of deleted or banned accounts are remembered. Here, at the bottom, because login
/// (the operator role), verification and sign-up (banned phones) need them and must not depend on
/// the Safety feature above; Safety's own limits are in SafetyOptions on the same section.
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Moderation";

    /// <summary>Phones (digits, e.g. 01012345678) whose logins get the role "operator".</summary>
    public string[] OperatorPhones { get; set; } = [];

    /// <summary>
    /// Base64 HMAC-SHA256 key of at least 256 bits for phone hashes. In Development an empty key is
    /// replaced by one generated under .local/; anywhere else an empty, short or patterned key
    /// stops the boot. Changing it orphans every kept report, block and ban: keep it like the JWT key.
    /// </summary>
    [Required(AllowEmptyStrings = true)]
    public string PhoneHashKey { get; set; } = "";

    public byte[] PhoneHashKeyBytes()
    {
        try
        {
            return Convert.FromBase64String(PhoneHashKey);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
