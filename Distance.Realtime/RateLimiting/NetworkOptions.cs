using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// Which peers may tell us the client's address. <c>X-Forwarded-For</c> is honoured only when the
/// connection comes from one of these; everyone else's header is ignored, so a client cannot pick
/// its own rate-limit bucket. Empty (the default) trusts nobody, not even loopback.
/// </summary>
public sealed class NetworkOptions : IValidatableObject
{
    public const string Section = "Network";

    /// <summary>Addresses of trusted reverse proxies, e.g. <c>172.28.0.10</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted reverse proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may append to X-Forwarded-For (one per hop we trust).</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"Network:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"Network:KnownNetworks: '{network}' is not a CIDR network (e.g. 10.0.0.0/8).", [nameof(KnownNetworks)]);
    }
}
