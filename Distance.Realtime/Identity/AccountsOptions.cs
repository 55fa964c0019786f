using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Identity;

public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    [Range(typeof(TimeSpan), "00:00:30", "00:30:00")]
    public TimeSpan SmsCodeLifetime { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>Least time between two codes for one phone (0 only makes sense in tests).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SmsResendInterval { get; set; } = TimeSpan.FromSeconds(60);

    [Range(1, 1000)]
    public int SmsDailyLimitPerPhone { get; set; } = 5;

    [Range(1, 1_000_000)]
    public int SmsDailyLimitPerIp { get; set; } = 100;

    /// <summary>The try that reaches this many wrong codes burns the code.</summary>
    [Range(1, 100)]
    public int CodeMaxAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Daily limits count per calendar day at this UTC offset (Korea: +09:00, no DST).</summary>
    [Range(typeof(TimeSpan), "-14:00:00", "14:00:00")]
    public TimeSpan DayUtcOffset { get; set; } = TimeSpan.FromHours(9);

    /// <summary>A referral raises the referrer's room capacity by one, up to this.</summary>
    [Range(1, 100)]
    public int ReferralCapacityCap { get; set; } = 5;
}
