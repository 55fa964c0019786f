using System.Net;
using System.Net.Sockets;

namespace Distance.Realtime.RateLimiting;

/// <summary>
/// The one answer to "which client is this" for every per-address control (the limiter's buckets,
/// the per-IP SMS count, the failed-confirmation lock-out). Two functions would mean two answers:
/// the SMS count once keyed IPv6 by the full address while the limiter used the /64, so one
/// subscriber (who owns the whole /64) had 2^64 SMS buckets.
/// </summary>
public static class ClientAddresses
{
    /// <summary>
    /// The connection's address (already replaced by X-Forwarded-For when, and only when, the peer
    /// is a trusted proxy). IPv4 reached over a dual-stack socket counts as IPv4; IPv6 clients are
    /// keyed by their /64, since one subscriber owns the whole prefix.
    /// </summary>
    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
        return address.ToString();
    }
}
