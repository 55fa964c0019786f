using System.ComponentModel.DataAnnotations;

namespace Distance.Realtime.Safety;

public sealed class ReportsOptions
{
    public const string Section = "Reports";

    /// <summary>Distinct reporters at which a member is deactivated.</summary>
    [Range(1, 100)]
    public int DeactivationThreshold { get; set; } = 3;
}
