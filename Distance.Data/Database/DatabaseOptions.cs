using System.ComponentModel.DataAnnotations;

namespace Distance.Data.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>MySqlConnector connection string; its Database names the schema Distance owns.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations at start-up (under a database lock, so nodes may start together).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// A replica of the primary (GTID replication) for reads that tolerate a little lag: matching's
    /// candidates, public profiles, school search. Empty: every read goes to the primary.
    /// </summary>
    public string? ReadConnectionString { get; set; }

    /// <summary>
    /// How stale a replica read may be: the replica is read only while it is known to hold everything
    /// the primary had committed at most this long ago.
    /// </summary>
    public TimeSpan ReplicaMaxLag { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the replica's threads and GTID position are compared with the primary's (two small queries).</summary>
    public TimeSpan ReplicaCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
