using Distance.Contracts;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Distance.Drills;

/// <summary>One message a client set out to send, and what became of it.</summary>
public sealed class Send(string clientMessageId, long roomId, long senderId, double firstAt)
{
    public string ClientMessageId { get; } = clientMessageId;
    public long RoomId { get; } = roomId;
    public long SenderId { get; } = senderId;
    public double FirstAt { get; } = firstAt;
    public int Attempts;
    public long? Seq;
    public double AckedAt;
    public double DeliveredAt = -1;
}

/// <summary>A failed attempt: when it started, what the client saw (a contract code, "timeout" or "connection_lost"), how long it took.</summary>
public sealed record FailedAttempt(double At, string Outcome, double Ms);

/// <summary>Everything the clients sent, acknowledged, failed and received, on one clock.</summary>
public sealed class SendLedger(Stopwatch clock)
{
    private readonly ConcurrentDictionary<string, Send> sends = new();

    public double Now => clock.Elapsed.TotalMilliseconds;
    public ConcurrentQueue<FailedAttempt> Failures { get; } = new();
    public ConcurrentQueue<(double At, double Ms)> FirstTryAcks { get; } = new();
    public ConcurrentQueue<(double At, double Ms)> Deliveries { get; } = new();
    public ConcurrentQueue<string> Fatal { get; } = new();
    public int Abandoned;

    public IReadOnlyCollection<Send> All => sends.Values.ToList();

    public Send Start(long roomId, long senderId)
    {
        var send = new Send(Guid.NewGuid().ToString("D"), roomId, senderId, Now);
        sends[send.ClientMessageId] = send;
        return send;
    }

    public void Acked(Send send, MessageAck ack, double attemptMs)
    {
        send.Seq = ack.Seq;
        send.AckedAt = Now;
        if (send.Attempts == 1)
            FirstTryAcks.Enqueue((send.FirstAt, attemptMs));
    }

    /// <summary>A live MessageReceived at the other member: the send-to-delivery time of first-try messages.</summary>
    public void Delivered(ChatMessage message, long receiverId)
    {
        if (message.ClientMessageId is null || message.SenderId == receiverId || !sends.TryGetValue(message.ClientMessageId, out var send))
            return;
        var now = Now;
        // Latency only for messages acknowledged on their first try: a retried one carries the outage.
        if (Interlocked.CompareExchange(ref send.DeliveredAt, now, -1) == -1 && send.Attempts == 1)
            Deliveries.Enqueue((now, now - send.FirstAt));
    }
}
