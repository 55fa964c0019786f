using Distance.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Drills;

/// <summary>
/// A member sending at a steady rate the way the contract asks a client to: one message at a time,
/// and after "unavailable", "rate_limited" or a lost connection the same clientMessageId again
/// (idempotency makes the resend safe) until it is acknowledged or the drill's grace ends.
/// </summary>
public static class Sender
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly HashSet<string> Retryable = ["unavailable", "rate_limited", "timeout", "connection_lost"];

    public static async Task RunAsync(DrillClient client, SendLedger ledger, double rate, CancellationToken stopNew, CancellationToken giveUp)
    {
        var interval = TimeSpan.FromSeconds(1 / rate);
        var next = DateTime.UtcNow + interval * Random.Shared.NextDouble();
        var n = 0;
        while (!stopNew.IsCancellationRequested)
        {
            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stopNew);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            next = DateTime.UtcNow > next + interval ? DateTime.UtcNow : next + interval;
            await SendOneAsync(client, ledger, $"drill {client.Member.Id} #{++n}: 흔들려도 잃지 않는다", giveUp);
        }
    }

    public static async Task SendOneAsync(DrillClient client, SendLedger ledger, string text, CancellationToken giveUp)
    {
        var send = ledger.Start(client.RoomId, client.Member.Id);
        var request = new SendMessageRequest(client.RoomId, send.ClientMessageId, text);
        while (!giveUp.IsCancellationRequested)
        {
            if (client.Connection.State != HubConnectionState.Connected)
            {
                await Pause(TimeSpan.FromMilliseconds(50), giveUp);
                continue;
            }
            send.Attempts++;
            var started = ledger.Now;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(giveUp);
            attempt.CancelAfter(AttemptTimeout);
            string outcome;
            try
            {
                var ack = await client.Chat.SendMessageAsync(request, attempt.Token);
                ledger.Acked(send, ack, ledger.Now - started);
                return;
            }
            catch (HubException exception)
            {
                outcome = exception.Message;
            }
            catch (Exception) when (giveUp.IsCancellationRequested)
            {
                break;
            }
            catch (Exception)
            {
                outcome = attempt.IsCancellationRequested ? "timeout" : "connection_lost";
            }
            ledger.Failures.Enqueue(new FailedAttempt(started, outcome, ledger.Now - started));
            if (!Retryable.Contains(outcome))
            {
                ledger.Fatal.Enqueue(outcome);
                return;
            }
            await Pause(TimeSpan.FromMilliseconds(200 + Random.Shared.Next(200)), giveUp);
        }
        Interlocked.Increment(ref ledger.Abandoned);
    }

    private static Task Pause(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(delay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
}
