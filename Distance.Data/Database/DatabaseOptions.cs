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
}
