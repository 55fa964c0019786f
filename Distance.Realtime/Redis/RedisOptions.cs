using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Redis;

public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>
    /// StackExchange.Redis configuration string, e.g. "127.0.0.1:6380"; with Sentinel, the sentinels
    /// and the service name: "10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379,serviceName=distance".
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Prefix of every key and backplane channel this deployment uses, so several deployments
    /// (or test runs) can share one Redis without seeing each other.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_.:-]*$")]
    public string KeyPrefix { get; set; } = "";

    /// <summary>How long connecting may take. Generous: a busy node must not give up on a healthy Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one command may wait. Outages do not wait this long: callers on the hot path check
    /// the connection first and answer "unavailable" at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With sentinels: how long a write that must survive a failover (a login revocation) waits for
    /// a replica to hold it (<see cref="ReplicatedWrites"/>). Shorter than <see cref="OperationTimeout"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
