using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Distance.Push.StandIns;

/// <summary>A canned provider answer: status, body (JSON unless said) and an optional Retry-After in seconds.</summary>
public sealed record StandInAnswer(int Status, string Body = "", int? RetryAfterSeconds = null, string ContentType = "application/json");

/// <summary>
/// Answers queued per device address (FCM token or Web Push subscription id); a device with no
/// queued answer gets the provider's success answer. Counts every attempt per address.
/// </summary>
public sealed class AnswerScript
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<StandInAnswer>> queued = new();
    private readonly ConcurrentDictionary<string, StandInAnswer> always = new();
    private readonly ConcurrentDictionary<string, int> attempts = new();

    /// <summary>The next sends to <paramref name="address"/> get these answers, in order, then success.</summary>
    public void Enqueue(string address, params StandInAnswer[] answers)
    {
        var queue = queued.GetOrAdd(address, _ => new ConcurrentQueue<StandInAnswer>());
        foreach (var answer in answers)
            queue.Enqueue(answer);
    }

    /// <summary>Every send to <paramref name="address"/> gets this answer.</summary>
    public void Always(string address, StandInAnswer answer) => always[address] = answer;

    public int AttemptsOf(string address) => attempts.GetValueOrDefault(address);

    internal StandInAnswer? Next(string address)
    {
        attempts.AddOrUpdate(address, 1, (_, n) => n + 1);
        if (always.TryGetValue(address, out var fixedAnswer))
            return fixedAnswer;
        return queued.TryGetValue(address, out var queue) && queue.TryDequeue(out var answer) ? answer : null;
    }

    internal static async Task WriteAsync(Microsoft.AspNetCore.Http.HttpContext context, StandInAnswer answer)
    {
        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (answer.Body.Length > 0)
        {
            context.Response.ContentType = answer.ContentType;
            await context.Response.WriteAsync(answer.Body);
        }
    }
}
