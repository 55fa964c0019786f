using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Identity;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    [Required]
    public string Issuer { get; set; } = "distance";

    [Required]
    public string Audience { get; set; } = "distance-clients";

    /// <summary>
    /// Base64 HMAC-SHA256 key of at least 256 bits. In Development an empty key is replaced by
    /// one generated under .local/; anywhere else an empty or short key stops the boot.
    /// </summary>
    public string SigningKey { get; set; } = "";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    [Range(typeof(TimeSpan), "00:10:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public byte[] SigningKeyBytes()
    {
        try
        {
            return Convert.FromBase64String(SigningKey);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
