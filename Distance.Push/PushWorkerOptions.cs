using System.ComponentModel.DataAnnotations;

namespace Distance.Push;

/// <summary>The worker's own settings (section "Push:Worker"); docs/push.md explains each.</summary>
public sealed class PushWorkerOptions
{
    public const string Section = "Push:Worker";

    /// <summary>The consumer group every worker joins: N workers share the stream.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]+$")]
    public string Group { get; set; } = "push-workers";

    /// <summary>This worker's name in the group; empty means host name + process id (unique per process).</summary>
    [RegularExpression("^[A-Za-z0-9_.:-]*$")]
    public string Consumer { get; set; } = "";

    /// <summary>Records read per round.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once.</summary>
    [Range(1, 1_000)]
    public int Concurrency { get; set; } = 32;

    /// <summary>Pause between reads when the stream has nothing new.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>An entry pending this long with another worker is claimed (XAUTOCLAIM): that worker is taken for dead.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often pending entries of other workers are looked at.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a send that failed with a 5xx, a 429 or a network error, before it is dead-lettered.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between retries; a Retry-After asking for more is dead-lettered rather than holding the record.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One HTTP attempt's time limit.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Approximate cap of the dead-letter stream.</summary>
    [Range(100, 100_000_000)]
    public int DeadStreamMaxLength { get; set; } = 100_000;
}

/// <summary>FCM HTTP v1 (section "Push:Fcm"). Off unless a service account is given.</summary>
public sealed class FcmOptions
{
    public const string Section = "Push:Fcm";

    /// <summary>Path of the service-account JSON file (or set <see cref="ServiceAccountJson"/>).</summary>
    public string ServiceAccountFile { get; set; } = "";

    /// <summary>The service-account JSON itself, e.g. from a secret store.</summary>
    public string ServiceAccountJson { get; set; } = "";

    /// <summary>Overrides the JSON's project_id.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>Base address of the FCM API; tests point it at a local stand-in.</summary>
    [Required]
    public Uri Endpoint { get; set; } = new("https://fcm.googleapis.com/");

    /// <summary>How long FCM keeps a message for an offline device (android.ttl).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "28.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);

    public bool Enabled => ServiceAccountFile.Length > 0 || ServiceAccountJson.Length > 0;
}

/// <summary>Web Push with VAPID (section "Push:WebPush"); nodes read PublicKey for GET /api/push/webpush-key.</summary>
public sealed class WebPushOptions
{
    public const string Section = "Push:WebPush";

    /// <summary>VAPID public key: the uncompressed P-256 point, base64url (65 bytes).</summary>
    public string PublicKey { get; set; } = "";

    /// <summary>VAPID private key: the P-256 scalar, base64url (32 bytes). A secret.</summary>
    public string PrivateKey { get; set; } = "";

    /// <summary>The contact the push services may reach (mailto: or https:).</summary>
    public string Subject { get; set; } = "mailto:ops@distance.invalid";

    [Range(typeof(TimeSpan), "00:00:00", "28.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);

    public bool Enabled => PublicKey.Length > 0 && PrivateKey.Length > 0;
}

/// <summary>Where the worker's Redis is (section "Redis", the nodes' settings).</summary>
public sealed class PushRedisOptions
{
    public const string Section = "Redis";

    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>The deployment's key prefix: the worker must read the stream its nodes write.</summary>
    [RegularExpression("^[A-Za-z0-9_.:-]*$")]
    public string KeyPrefix { get; set; } = "";
}
