using System.Globalization;
using Distance.Load.Chat;
using Distance.Load.Common;

namespace Distance.Load.Festival;

/// <summary>One kind of HTTP request of the mix: its route as printed, its offered rate and the operation.</summary>
public sealed record HttpKind(string Kind, string Route, double Rate, Func<StatusCounts, CancellationToken, Task<bool>> Run);

public sealed record HttpKindResult(HttpKind Kind, Latency Latency, StatusCounts Statuses);

public sealed record FestivalResult(IReadOnlyList<HttpKindResult> Http, Latency HttpAll, ChatPhaseResult Chat, double ChatRate, TimeSpan Duration, string Cpu);

/// <summary>The measured phase as a table, a CSV and the verdict against issue 7's targets.</summary>
public static class FestivalReport
{
    public const double TargetP99Milliseconds = 100;

    private const string CsvHeader = "label,multiple,kind,offered_per_s,completed,completed_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,dropped,statuses";

    public static void Print(FestivalResult result)
    {
        foreach (var http in result.Http)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{http.Latency.Summary(result.Duration)}  offered {http.Kind.Rate,7:F1}/s  [{http.Statuses}]"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.HttpAll.Summary(result.Duration)}  offered {result.Http.Sum(h => h.Kind.Rate),7:F1}/s"));
        Console.WriteLine(ChatPhase.Summary(result.Chat, result.Duration) + string.Create(CultureInfo.InvariantCulture, $"  offered {result.ChatRate:F1}/s"));
        Console.WriteLine(result.Cpu);
    }

    /// <summary>PASS when HTTP (the whole mix) and chat delivery both have p99 ≤ 100 ms and nothing failed, was dropped or lost.</summary>
    public static (bool Passed, string Line) Verdict(FestivalResult result, double multiple)
    {
        var chat = result.Chat;
        var failures = new List<string>();
        var httpP99 = result.HttpAll.Milliseconds(99);
        var chatP99 = chat.Delivery.Milliseconds(99);
        // NaN (nothing completed) fails as well.
        if (!(httpP99 <= TargetP99Milliseconds))
            failures.Add(Invariant($"HTTP p99 {httpP99:F1} ms > {TargetP99Milliseconds} ms"));
        if (result.ChatRate > 0 && !(chatP99 <= TargetP99Milliseconds))
            failures.Add(Invariant($"chat delivery p99 {chatP99:F1} ms > {TargetP99Milliseconds} ms"));
        foreach (var http in result.Http.Where(h => h.Latency.Errors + h.Latency.Dropped > 0))
            failures.Add(Invariant($"{http.Kind.Kind}: {http.Latency.Errors} errors, {http.Latency.Dropped} dropped"));
        if (chat.Ack.Errors + chat.Ack.Dropped > 0)
            failures.Add(Invariant($"chat: {chat.Ack.Errors} send errors, {chat.Ack.Dropped} dropped"));
        if (chat.Undelivered + chat.Duplicates + chat.Lost + chat.RoomsStoringTwice > 0)
            failures.Add(Invariant($"chat: {chat.Undelivered} undelivered, {chat.Duplicates} duplicate deliveries, {chat.Lost} lost, {chat.RoomsStoringTwice} rooms storing a message twice"));

        var run = Invariant($"festival x{multiple:0.##} for {result.Duration.TotalSeconds:0} s");
        return failures.Count == 0
            ? (true, Invariant($"PASS {run}: HTTP p99 {httpP99:F1} ms, chat delivery p99 {chatP99:F1} ms (both <= {TargetP99Milliseconds} ms), 0 errors, 0 dropped, {chat.Acked} acked messages all stored once"))
            : (false, $"FAIL {run}: " + string.Join("; ", failures));
    }

    public static async Task AppendCsvAsync(string path, string label, double multiple, FestivalResult result)
    {
        if (!File.Exists(path))
            await File.WriteAllTextAsync(path, CsvHeader + "\n");
        var chat = result.Chat;
        var rows = result.Http.Select(h => Row(h.Kind.Kind, h.Kind.Rate, h.Latency, h.Latency.Errors, h.Latency.Dropped, h.Statuses.ToString()))
            .Append(Row("http", result.Http.Sum(h => h.Kind.Rate), result.HttpAll, result.HttpAll.Errors, result.HttpAll.Dropped, ""))
            // Delivery errors: failed sends plus acked messages that never arrived or were not stored.
            .Append(Row("chat-delivery", result.ChatRate, chat.Delivery, chat.Ack.Errors + chat.Undelivered + chat.Lost, chat.Ack.Dropped, chat.Errors.ToString()))
            .Append(Row("chat-ack", result.ChatRate, chat.Ack, chat.Ack.Errors, chat.Ack.Dropped, chat.Errors.ToString()));
        await File.AppendAllLinesAsync(path, rows);

        string Row(string kind, double offered, Latency latency, long errors, long dropped, string statuses) => Invariant(
            $"{label},{multiple},{kind},{offered:F1},{latency.Count},{latency.Count / result.Duration.TotalSeconds:F1},{latency.Milliseconds(50):F2},{latency.Milliseconds(90):F2},{latency.Milliseconds(99):F2},{latency.Milliseconds(99.9):F2},{latency.MaxMilliseconds:F1},{errors},{dropped},{statuses}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
