namespace Distance.Data.Database;

/// <summary>
/// Every time column is DATETIME(3): MariaDB keeps milliseconds and drops the rest. A time trimmed
/// here before it is written is exactly what a later read returns, so an ack, a response or a token
/// expiry equals what history shows.
/// </summary>
public static class StoredTime
{
    public static DateTime Trim(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>The clock's UTC now, at the precision the database stores.</summary>
    public static DateTime Now(TimeProvider clock) => Trim(clock.GetUtcNow().UtcDateTime);
}
