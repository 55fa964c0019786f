using Microsoft.Extensions.Options;

namespace Distance.Tests.Infrastructure;

/// <summary>Boots a Production node with one setting changed and holds that start-up stops on exactly that setting.</summary>
public static class BootFailures
{
    /// <summary>
    /// The senders get placeholders a Production boot accepts, so the one changed setting is the
    /// only thing wrong; start-up must fail with one options failure whose message names it.
    /// </summary>
    public static void AssertTheSettingStopsTheBoot(IReadOnlyDictionary<string, string?> settings, string key, string value, string expectedInMessage)
    {
        var changed = new Dictionary<string, string?>(settings);
        foreach (var (sender, setting) in TestServices.PlaceholderSenders)
            changed[sender] = setting;
        changed[key] = value;
        using var node = new DistanceNode(changed, environment: "Production");

        var error = Assert.ThrowsAny<Exception>(() => node.Server);

        // Several bad values are reported together (AggregateException); each is an options failure.
        var failures = error is AggregateException many ? many.InnerExceptions : [error];
        var failure = Assert.Single(failures);
        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(expectedInMessage, failure.Message);
    }
}
