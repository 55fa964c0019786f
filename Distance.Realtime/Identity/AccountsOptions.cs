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

    /// <summary>
    /// Codes a day per client address (IPv6: per /64). Sized for a festival crowd behind one
    /// campus Wi-Fi or carrier NAT address (300 sign-ups in 10 minutes, several such crowds a
    /// night); the money is bounded by <see cref="SmsHourlyBudget"/>, not by this.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SmsDailyLimitPerIp { get; set; } = 2000;

    /// <summary>SMS the whole cluster may send per clock hour (UTC); beyond it 503 sms_budget_exhausted.</summary>
    [Range(1, 10_000_000)]
    public int SmsHourlyBudget { get; set; } = 5000;

    /// <summary>Wrong SMS codes one client address may submit per <see cref="ConfirmFailureWindow"/> before it is locked out.</summary>
    [Range(1, 1_000_000)]
    public int ConfirmFailuresPerAddress { get; set; } = 100;

    /// <summary>Wrong password-reset codes the whole cluster accepts per <see cref="ConfirmFailureWindow"/> before reset confirmations lock.</summary>
    [Range(1, 10_000_000)]
    public int ResetConfirmFailuresCluster { get; set; } = 1000;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ConfirmFailureWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Wrong passwords for one phone within <see cref="LoginFailureWindow"/> before logins for it are refused (contract: 10 in 15 min).</summary>
    [Range(1, 1000)]
    public int LoginFailuresPerPhone { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>PBKDF2 runs at once on this node (default: one per core); more wait in the queue.</summary>
    [Range(1, 256)]
    public int PasswordHashConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>Password hashes that may wait for a core; beyond it the node answers 503 (Retry-After 1).</summary>
    [Range(0, 10_000)]
    public int PasswordHashQueue { get; set; } = 32;

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
