using Distance.Realtime.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Distance.Tests.Notifications;

/// <summary>The SMS settings a node refuses to boot with, one named setting per failure.</summary>
public sealed class SmsOptionsTests
{
    private static string? Problem(string environment, SmsSenderOptions options)
    {
        var validator = new SmsOptionsValidator(new HostingEnvironment { EnvironmentName = environment });
        var result = validator.Validate(null, options);
        return result.Failed ? Assert.Single(result.Failures!) : null;
    }

    private static SmsSenderOptions Solapi(string baseUrl = "https://api.solapi.com", string secret = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c", bool loopback = false) => new()
    {
        Provider = SmsProvider.Solapi,
        AllowLoopbackHttp = loopback,
        Solapi = new SolapiOptions { BaseUrl = baseUrl, ApiKey = "NCSAYU7YDBXYORXC", ApiSecret = secret, From = "0215990000" },
    };

    [Fact]
    public void AProductionProviderWithRealLookingSettingsPasses() =>
        Assert.Null(Problem(Environments.Production, Solapi()));

    [Fact]
    public void ProductionNeedsAProvider() =>
        Assert.StartsWith("Messaging:Sms:Provider is required outside Development", Problem(Environments.Production, new SmsSenderOptions()));

    [Fact]
    public void DevelopmentMayGoWithoutAProvider() =>
        Assert.Null(Problem(Environments.Development, new SmsSenderOptions()));

    [Theory]
    [InlineData("CHANGE_ME")]
    [InlineData("<solapi-api-secret>")]
    [InlineData("changeme")]
    [InlineData("your-api-secret")]
    public void APlaceholderSecretIsNamedAndRefusedOutsideDevelopment(string secret)
    {
        Assert.Equal("Messaging:Sms:Solapi:ApiSecret is a placeholder or a well-known default; set the real secret.",
            Problem(Environments.Production, Solapi(secret: secret)));
        Assert.Null(Problem(Environments.Development, Solapi(secret: secret)));
    }

    [Fact]
    public void AMissingSecretIsNamed() =>
        Assert.Equal("Messaging:Sms:Solapi:ApiSecret is required when Messaging:Sms:Provider is Solapi.", Problem(Environments.Production, Solapi(secret: "")));

    [Theory]
    [InlineData("http://api.solapi.com", true)]
    [InlineData("http://10.0.0.5:8080", true)]
    [InlineData("http://127.0.0.1:5990", false)]
    [InlineData("http://localhost:5990", false)]
    public void OutsideDevelopmentOnlyHttpsOrAnExplicitlyAllowedLoopbackStandIn(string url, bool refusedEvenWithSwitch)
    {
        Assert.StartsWith("Messaging:Sms:Solapi:BaseUrl must be https outside Development", Problem(Environments.Production, Solapi(url)));
        var withSwitch = Problem(Environments.Production, Solapi(url, loopback: true));
        if (refusedEvenWithSwitch)
            Assert.StartsWith("Messaging:Sms:Solapi:BaseUrl must be https", withSwitch);
        else
            Assert.Null(withSwitch);
        Assert.Null(Problem(Environments.Development, Solapi(url)));
    }

    [Fact]
    public void TwilioNeedsAnAccountSidAndAnE164Sender()
    {
        var options = new SmsSenderOptions
        {
            Provider = SmsProvider.Twilio,
            Twilio = new TwilioOptions { AccountSid = "AC123", AuthToken = "3f1e5d7c9b2a4f6e8d0c1b3a5f7e9d2c", From = "+15005550006" },
        };
        Assert.StartsWith("Messaging:Sms:Twilio:AccountSid", Problem(Environments.Production, options));
        options.Twilio.AccountSid = "AC" + new string('1', 32);
        options.Twilio.From = "01012345678";
        Assert.StartsWith("Messaging:Sms:Twilio:From", Problem(Environments.Production, options));
    }

    [Fact]
    public void AnEndpointAloneStillMeansTheRelay() =>
        Assert.Equal(SmsProvider.Relay, new SmsSenderOptions { Endpoint = "https://sms.example.org/send" }.EffectiveProvider);
}
