using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Distance.Tests.Infrastructure;

/// <summary>One log entry a node wrote.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " — " + Exception.GetType().Name + ": " + Exception.Message)}";
}

/// <summary>A logger provider for in-process nodes that keeps what they log (at the levels the node's filters let through).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    /// <summary>Errors and worse, e.g. an unhandled exception in a request or a hub call.</summary>
    public IReadOnlyList<CapturedLog> Errors => Entries.Where(e => e.Level >= LogLevel.Error).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), exception));
    }
}
