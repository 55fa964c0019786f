using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.StudentVerification;

public sealed class StudentVerificationOptions
{
    public const string Section = "StudentVerification";

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Least time between two codes to one address, so the feature cannot be used to flood a mailbox.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromSeconds(60);

    [Range(1, 1000)]
    public int DailyLimitPerMember { get; set; } = 10;

    /// <summary>The try that reaches this many wrong codes burns the code.</summary>
    [Range(1, 100)]
    public int CodeMaxAttempts { get; set; } = 5;
}
