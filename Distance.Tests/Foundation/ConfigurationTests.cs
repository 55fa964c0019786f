using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Distance.Tests.Foundation;

[Collection(nameof(FoundationCollection))]
public sealed class ConfigurationTests(DistanceFixture fixture)
{
    [Theory]
    [InlineData("Jwt:SigningKey", "", "Jwt:SigningKey")]
    [InlineData("Jwt:SigningKey", "c2hvcnQ=", "Jwt:SigningKey")]
    [InlineData("Redis:ConnectionString", "", "ConnectionString")]
    [InlineData("Database:ConnectionString", "Server=127.0.0.1;Nonsense Key=1", "Database:ConnectionString")]
    public void ABadValueStopsTheBootWithAMessageNamingIt(string key, string value, string expectedInMessage)
    {
        var settings = new Dictionary<string, string?>(fixture.Settings) { [key] = value };
        using var node = new DistanceNode(settings, environment: "Production");

        var error = Assert.Throws<OptionsValidationException>(() => node.Server);

        Assert.Contains(expectedInMessage, error.Message);
    }
}
