namespace Distance.Push.Delivery;

public enum DeliveryStatus
{
    Delivered,
    /// <summary>The provider says the device no longer exists: its registration is removed.</summary>
    Gone,
    /// <summary>Worth another try (5xx, 429, a network error), after <see cref="DeliveryResult.RetryAfter"/> if the provider said.</summary>
    Retry,
    /// <summary>Fails for good (a bad request, an answer the worker does not understand): dead-lettered, never retried.</summary>
    Failed,
}

/// <summary>A provider's answer to one send, as the worker acts on it; <see cref="Answer"/> is the body for the dead letter.</summary>
public sealed record DeliveryResult(DeliveryStatus Status, string Reason, int? HttpStatus = null, string? Answer = null, TimeSpan? RetryAfter = null)
{
    public static readonly DeliveryResult Delivered = new(DeliveryStatus.Delivered, "delivered");

    public static DeliveryResult Gone(string reason, int status, string? answer) => new(DeliveryStatus.Gone, reason, status, answer);

    public static DeliveryResult Failed(string reason, int? status, string? answer) => new(DeliveryStatus.Failed, reason, status, Truncate(answer));

    public static DeliveryResult Retry(string reason, int? status, string? answer, TimeSpan? retryAfter) =>
        new(DeliveryStatus.Retry, reason, status, Truncate(answer), retryAfter);

    /// <summary>Retry-After as a delay, whether the provider sent seconds or a date.</summary>
    public static TimeSpan? RetryAfterOf(System.Net.Http.Headers.RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    // A dead letter keeps enough of the answer to diagnose it, not a whole HTML error page.
    private static string? Truncate(string? answer) => answer is { Length: > 2000 } ? answer[..2000] : answer;
}
