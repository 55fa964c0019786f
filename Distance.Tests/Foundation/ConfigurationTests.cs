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
    [InlineData("Moderation:PhoneHashKey", "", "Moderation:PhoneHashKey must be a base64 key of at least 256 bits")]
    [InlineData("Moderation:PhoneHashKey", "c2hvcnQ=", "Moderation:PhoneHashKey must be a base64 key of at least 256 bits")]
    [InlineData("Moderation:PhoneHashKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Moderation:PhoneHashKey is not random")]
    [InlineData("Moderation:OperatorPhones:0", "not-a-phone", "Moderation:OperatorPhones")]
    [InlineData("Cors:AllowedOrigins:0", "*", "Cors:AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins:0", "https://app.example.com/chat", "Cors:AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins:0", "ftp://app.example.com", "Cors:AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins:0", "app.example.com", "Cors:AllowedOrigins")]
    public void ABadValueStopsTheBootWithAMessageNamingIt(string key, string value, string expectedInMessage)
    {
        var settings = new Dictionary<string, string?>(fixture.Settings);
        foreach (var (senderKey, senderValue) in TestServices.PlaceholderSenders)
            settings[senderKey] = senderValue;
        settings[key] = value;
        using var node = new DistanceNode(settings, environment: "Production");

        var error = Assert.ThrowsAny<Exception>(() => node.Server);

        // Several bad values are reported together (AggregateException); each is an options failure.
        var failures = error is AggregateException many ? many.InnerExceptions : [error];
        var failure = Assert.Single(failures);
        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(expectedInMessage, failure.Message);
    }
}
