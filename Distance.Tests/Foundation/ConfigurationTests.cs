using Distance.Tests.Infrastructure;

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
    public void ABadValueStopsTheBootWithAMessageNamingIt(string key, string value, string expectedInMessage) =>
        BootFailures.AssertTheSettingStopsTheBoot(fixture.Settings, key, value, expectedInMessage);
}
