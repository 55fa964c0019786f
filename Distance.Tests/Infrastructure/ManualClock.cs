namespace Distance.Tests.Infrastructure;

/// <summary>A clock that moves only when a test advances it, for windows and expiries written to a real Redis.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
