using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Infrastructure;

public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. "127.0.0.1:6380".</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Prefix of every key and backplane channel this deployment uses, so several deployments
    /// (or test runs) can share one Redis without seeing each other.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_.:-]*$")]
    public string KeyPrefix { get; set; } = "";
}
