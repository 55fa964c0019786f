using Distance.Data.Push;
using Distance.Realtime.Observability;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Push;

/// <summary>
/// Drains the push outbox into distance:push. Every node runs one; a claim gives each relay rows
/// no other holds. For each due row: nothing if the member has a live connection somewhere
/// (they see it live), else one record per registration of the member's open logins. The rows
/// are deleted only after every XADD answered, so a node killed at any point leaves its rows to
/// a claim after the lease: a push is never lost, and at worst written twice.
/// </summary>
public sealed partial class PushRelay(
    PushOutboxRepository outbox, PushRegistrationRepository registrations, IOnlineMembers online, IDatabase redis,
    DistanceMetrics metrics, IOptions<PushOptions> options, TimeProvider clock, ILogger<PushRelay> logger) : BackgroundService
{
    private readonly PushOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var relayed = 0;
            try
            {
                relayed = await RelayOnceAsync(stoppingToken);
            }
            // Whatever failed (a cut connection surfaces as MySqlEndOfStreamException, which is no
            // MySqlException), the rows stay in the outbox: log and try the next round. A relay
            // that threw would stop the whole node (BackgroundServiceExceptionBehavior.StopHost).
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(exception);
            }
            // A full batch means more are due: go on at once.
            if (relayed < settings.RelayBatchSize)
                await Task.Delay(settings.RelayInterval, clock, stoppingToken);
        }
    }

    /// <summary>One round: claims due rows, writes their records, deletes them. Returns the rows handled.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var claim = await outbox.ClaimAsync(settings.CollapseWindow, settings.ClaimLease, settings.RelayBatchSize, cancellationToken);
        if (claim.Rows.Count == 0)
            return 0;
        var members = claim.Rows.Select(r => r.MemberId).Distinct().ToList();
        var live = await online.OnlineAsync(members);
        var offline = members.Where(m => !live.Contains(m)).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        var devices = (await registrations.OfMembersAsync(offline, now, cancellationToken)).ToLookup(r => r.MemberId);

        var writes = new List<Task>();
        foreach (var row in claim.Rows.Where(r => !live.Contains(r.MemberId)))
        {
            var (title, body) = PushTexts.Of(row);
            long? roomId = row.Kind == PushEventKinds.Request ? null : row.SubjectId;
            foreach (var registration in devices[row.MemberId])
            {
                var record = new PushRecord(row.MemberId, registration.LoginId, registration.Device, row.Kind, title, body, roomId, row.Events, PushTexts.TagOf(row), now);
                writes.Add(redis.StreamAddAsync(PushRecord.StreamKey,
                    record.ToFields().Select(f => new NameValueEntry(f.Key, f.Value)).ToArray(),
                    maxLength: settings.StreamMaxLength, useApproximateMaxLength: true));
                metrics.PushesProduced.Add(1, new KeyValuePair<string, object?>("type", row.Kind));
            }
        }
        await Task.WhenAll(writes);
        await claim.CompleteAsync(cancellationToken);
        return claim.Rows.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push relay round failed; its outbox rows stay for the next round")]
    private partial void LogRelayFailed(Exception exception);
}
