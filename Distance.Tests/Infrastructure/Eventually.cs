using System.Threading.Channels;

namespace Distance.Tests.Infrastructure;

/// <summary>Timeouts for every await in the tests: a broken feature fails a test, it never hangs the run.</summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Timeout);

    public static Task Within(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Timeout);

    /// <summary>Reads the next item a hub handler pushed into <paramref name="channel"/>, or fails after the timeout.</summary>
    public static async Task<T> NextAsync<T>(this ChannelReader<T> channel, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        return await channel.ReadAsync(cts.Token);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for state that other nodes update asynchronously.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(because ?? "The condition did not hold in time.");
            await Task.Delay(50);
        }
    }
}
