using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Push;

/// <summary>The nodes' side of push (section "Push"): the outbox relay and the Web Push public key. docs/push.md explains each.</summary>
public sealed class PushOptions
{
    public const string Section = "Push";

    /// <summary>How long an outbox row waits before it is relayed, so that a burst in one room becomes one push.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CollapseWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often each node's relay looks for due outbox rows.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Outbox rows one relay round claims.</summary>
    [Range(1, 10_000)]
    public int RelayBatchSize { get; set; } = 500;

    /// <summary>
    /// How long a relay's claim on outbox rows lasts: rows it claimed but never deleted (the node
    /// died mid-round) are relayed again after this. Far above a round's seconds, so a slow round is
    /// not relayed twice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Approximate cap of distance:push (settled records are deleted, so this bounds the backlog, not the history).</summary>
    [Range(1_000, 100_000_000)]
    public int StreamMaxLength { get; set; } = 1_000_000;

    /// <summary>Accept Web Push endpoints over plain http and on local hosts (tests with a local push service only).</summary>
    public bool AllowInsecureEndpoints { get; set; }

    public WebPushKey WebPush { get; set; } = new();

    public sealed class WebPushKey
    {
        /// <summary>The VAPID public key the workers sign with (base64url); empty turns Web Push off.</summary>
        [RegularExpression("^[A-Za-z0-9_-]*$")]
        public string PublicKey { get; set; } = "";
    }
}
