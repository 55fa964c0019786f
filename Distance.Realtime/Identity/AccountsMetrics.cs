using System.Diagnostics.Metrics;
using Distance.Realtime.Observability;

namespace Distance.Realtime.Identity;

/// <summary>
/// The accounts feature's instruments, on Distance's one meter (<see cref="DistanceMetrics.MeterName"/>;
/// the factory hands every caller the same meter). docs/security.md says which alert watches which.
/// </summary>
public sealed class AccountsMetrics
{
    private long budgetUsed;
    private long budgetLimit;

    public AccountsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(DistanceMetrics.MeterName);
        CodeConfirmationsFailed = meter.CreateCounter<long>("distance.accounts.code_confirmations.failed", "{confirmation}",
            "Wrong SMS codes submitted, by purpose.");
        Lockouts = meter.CreateCounter<long>("distance.accounts.lockouts", "{request}",
            "Requests refused by a guessing lock-out, by kind (confirm: SMS codes, login: passwords).");
        SmsSent = meter.CreateCounter<long>("distance.accounts.sms.sent", "{sms}", "Verification SMS handed to the provider.");
        meter.CreateObservableGauge("distance.accounts.sms.budget.used", () => Interlocked.Read(ref budgetUsed), "{sms}",
            "SMS the whole cluster sent in the current UTC hour (read from Redis; every node reports the same).");
        meter.CreateObservableGauge("distance.accounts.sms.budget.limit", () => Interlocked.Read(ref budgetLimit), "{sms}",
            "The cluster's hourly SMS budget (Accounts:SmsHourlyBudget).");
    }

    public Counter<long> CodeConfirmationsFailed { get; }
    public Counter<long> Lockouts { get; }
    public Counter<long> SmsSent { get; }

    public void ReportBudget(long used, long limit)
    {
        Interlocked.Exchange(ref budgetUsed, used);
        Interlocked.Exchange(ref budgetLimit, limit);
    }
}
