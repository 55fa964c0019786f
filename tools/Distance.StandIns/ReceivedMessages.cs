using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Distance.StandIns;

/// <summary>A message a stand-in accepted: <c>phone</c> is the recipient as Korean local digits (010…), whatever the provider's format.</summary>
public sealed record ReceivedMessage(string Provider, string To, string Phone, string From, string Text, DateTimeOffset ReceivedAt);

/// <summary>What the stand-ins accepted, newest last, capped; and the faults they were told to answer with next.</summary>
public sealed class ReceivedMessages(IOptions<StandInOptions> options, TimeProvider clock)
{
    private readonly ConcurrentQueue<ReceivedMessage> messages = new();
    private readonly ConcurrentDictionary<string, FaultPlan> faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string provider, string to, string from, string text)
    {
        messages.Enqueue(new ReceivedMessage(provider, to, LocalPhone(to), from, text, clock.GetUtcNow()));
        while (messages.Count > options.Value.Capacity && messages.TryDequeue(out _))
        {
        }
    }

    /// <summary>Messages to <paramref name="to"/> (local digits, with or without dashes, or E.164), oldest first; all when null.</summary>
    public IReadOnlyList<ReceivedMessage> For(string? to)
    {
        if (string.IsNullOrWhiteSpace(to))
            return messages.ToArray();
        var phone = LocalPhone(to);
        return messages.Where(m => m.Phone == phone).ToArray();
    }

    /// <summary>Requests that reached a provider's endpoint, accepted or not (retries show here).</summary>
    public int AttemptsOf(string provider) => attempts.GetValueOrDefault(provider);

    public void CountAttempt(string provider) => attempts.AddOrUpdate(provider, 1, (_, n) => n + 1);

    /// <summary>The next <paramref name="count"/> requests to <paramref name="provider"/> get <paramref name="status"/>.</summary>
    public void PlanFault(string provider, int status, int count) => faults[provider] = new FaultPlan(status, count);

    /// <summary>The status to fail this request with, if a fault is planned.</summary>
    public int? TakeFault(string provider)
    {
        while (faults.TryGetValue(provider, out var plan) && plan.Remaining > 0)
        {
            if (faults.TryUpdate(provider, plan with { Remaining = plan.Remaining - 1 }, plan))
                return plan.Status;
        }
        return null;
    }

    public void Reset()
    {
        messages.Clear();
        faults.Clear();
        attempts.Clear();
    }

    private static string LocalPhone(string to)
    {
        var digits = new string(to.Where(char.IsAsciiDigit).ToArray());
        return to.TrimStart().StartsWith("+82", StringComparison.Ordinal) ? "0" + digits[2..] : digits;
    }

    private sealed record FaultPlan(int Status, int Remaining);
}
