using Distance.Realtime.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Distance.Tests.RateLimiting;

public sealed class RateLimitOptionsTests
{
    [Theory]
    [InlineData("RateLimiting:Member:TokenLimit", "0", "TokenLimit")]
    [InlineData("RateLimiting:Hub:SendMessage:ReplenishmentPeriod", "00:00:00", "ReplenishmentPeriod")]
    [InlineData("RateLimiting:Hub:FloodRejections", "0", "FloodRejections")]
    [InlineData("Network:KnownProxies:0", "not-an-address", "KnownProxies")]
    [InlineData("Network:KnownNetworks:0", "10.0.0.0/99", "KnownNetworks")]
    public void ABadLimitFailsValidationWithAMessageNamingIt(string key, string value, string named)
    {
        // The same registration the host uses; ValidateOnStart turns this failure into a failed boot.
        using var services = Services(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
            _ = services.GetRequiredService<IOptions<NetworkOptions>>().Value;
        });

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void TheDefaultsAreValidAndMatchTheContractsHubLimit()
    {
        using var services = Services([]);

        var options = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;

        // A burst of 20, then 5 per second.
        Assert.Equal(20, options.Hub.SendMessage.TokenLimit);
        Assert.Equal(5, options.Hub.SendMessage.TokensPerPeriod / options.Hub.SendMessage.ReplenishmentPeriod.TotalSeconds);
        Assert.Empty(services.GetRequiredService<IOptions<NetworkOptions>>().Value.KnownProxies);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddRateLimiting().BuildServiceProvider();
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    public void AnIpv6ClientIsKeyedByItsSlash64AndMappedIpv4AsIpv4(string peer, string key)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer);

        Assert.Equal(key, Distance.Realtime.RateLimiting.ClientAddresses.Of(context));
    }
}
