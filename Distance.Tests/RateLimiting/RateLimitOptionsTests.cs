using Distance.Realtime.RateLimiting;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Distance.Tests.RateLimiting;

[Collection(nameof(ProtectionCollection))]
public sealed class RateLimitOptionsTests(ProtectionFixture fixture)
{
    [Theory]
    [InlineData("RateLimiting:Member:TokenLimit", "0", "TokenLimit")]
    [InlineData("RateLimiting:Hub:SendMessage:ReplenishmentPeriod", "00:00:00", "ReplenishmentPeriod")]
    [InlineData("RateLimiting:Hub:FloodRejections", "0", "FloodRejections")]
    [InlineData("Network:KnownProxies:0", "not-an-address", "KnownProxies")]
    [InlineData("Network:KnownNetworks:0", "10.0.0.0/99", "KnownNetworks")]
    public void ABadLimitStopsTheBootWithAMessageNamingIt(string key, string value, string named)
    {
        var error = Assert.ThrowsAny<Exception>(() => fixture.Distance.StartNode(new Dictionary<string, string?> { [key] = value }));

        var validation = Assert.IsType<OptionsValidationException>(error is AggregateException { InnerException: { } inner } ? inner : error);
        Assert.Contains(named, validation.Message);
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    public void AnIpv6ClientIsKeyedByItsSlash64AndMappedIpv4AsIpv4(string peer, string key)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer);

        Assert.Equal(key, RateLimitPartitions.ClientAddress(context));
    }
}
