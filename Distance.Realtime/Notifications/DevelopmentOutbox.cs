using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Notifications;

public sealed record OutboxEntry(string To, string Text, DateTime SentAt);

/// <summary>
/// Development's stand-in for SMS and e-mail: messages go to a capped, expiring Redis list per
/// address, so every node serves the same outbox and nothing piles up in process memory.
/// </summary>
public sealed class DevelopmentOutbox(IDatabase redis, IOptions<OutboxOptions> options, TimeProvider clock) : IMessageSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static RedisKey Key(string to) => "dev:outbox:" + to;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var outbox = options.Value;
        var entry = new OutboxEntry(message.To, message.Text, clock.GetUtcNow().UtcDateTime);
        var key = Key(message.To);
        var transaction = redis.CreateTransaction();
        _ = transaction.ListLeftPushAsync(key, JsonSerializer.Serialize(entry, Json));
        _ = transaction.ListTrimAsync(key, 0, outbox.Capacity - 1);
        _ = transaction.KeyExpireAsync(key, outbox.Retention);
        await transaction.ExecuteAsync();
    }

    /// <summary>The messages "sent" to <paramref name="to"/>, newest first.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ReadAsync(string to)
    {
        var values = await redis.ListRangeAsync(Key(to), 0, options.Value.Capacity - 1);
        return values.Select(v => JsonSerializer.Deserialize<OutboxEntry>(v.ToString(), Json)!).ToList();
    }
}
