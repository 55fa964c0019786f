using System.Reflection;
using Distance.Data.Database;
using NetArchTest.Rules;

namespace Distance.Tests.Architecture;

/// <summary>
/// The feature order of docs/architecture.md, checked on the compiled assemblies (every type
/// reference: fields, signatures, method bodies, generic arguments). A feature may use the ones
/// below it, never one above; Distance.Data uses nothing of the host.
/// </summary>
public sealed class FeatureOrderTests
{
    /// <summary>Bottom to top: the namespaces under Distance.Realtime, one per feature folder.</summary>
    public static readonly string[] Order =
    [
        "Errors", "Phones", "Claims", "Redis", "Observability", "RateLimiting", "Connections", "Notifications",
        "Identity", "Members", "StudentVerification", "Safety", "Matching", "Rooms", "Chat", "WebClient", "Hosting",
    ];

    private static readonly Assembly Host = typeof(Program).Assembly;

    private static string Namespace(string feature) => "Distance.Realtime." + feature;

    [Fact]
    public void NoFeatureDependsOnAFeatureAboveIt()
    {
        var violations = new List<string>();
        for (var i = 0; i < Order.Length - 1; i++)
        {
            var above = Order[(i + 1)..];
            var any = Types.InAssembly(Host).That().ResideInNamespace(Namespace(Order[i]))
                .ShouldNot().HaveDependencyOnAny(above.Select(Namespace).ToArray()).GetResult();
            if (any.IsSuccessful)
                continue;
            // Name each upward arrow, so the failure says what to move.
            foreach (var upper in above)
            {
                var one = Types.InAssembly(Host).That().ResideInNamespace(Namespace(Order[i]))
                    .ShouldNot().HaveDependencyOn(Namespace(upper)).GetResult();
                if (!one.IsSuccessful)
                    violations.AddRange(one.FailingTypeNames.Select(type => $"{Order[i]} -> {upper}: {type}"));
            }
        }
        Assert.True(violations.Count == 0, "Dependencies must point down the feature order:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void EveryHostTypeLivesInAFeatureOfTheOrder()
    {
        var known = Order.Select(Namespace).ToHashSet(StringComparer.Ordinal);
        var strays = Host.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Distance", StringComparison.Ordinal) == true && !known.Contains(t.Namespace))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(strays.Count == 0, "A new folder needs its place in the order (here and in docs/architecture.md):\n" + string.Join('\n', strays));
    }

    [Fact]
    public void EveryFeatureOfTheOrderExists()
    {
        var present = Host.GetTypes().Select(t => t.Namespace).ToHashSet(StringComparer.Ordinal);
        var missing = Order.Where(feature => !present.Contains(Namespace(feature))).ToList();
        Assert.True(missing.Count == 0, "Features of the order with no types (renamed?): " + string.Join(", ", missing));
    }

    [Fact]
    public void TheDataLayerReferencesNothingOfTheHost()
    {
        var data = typeof(MigrationRunner).Assembly;
        Assert.DoesNotContain(data.GetReferencedAssemblies(), a => a.Name?.StartsWith("Distance.", StringComparison.Ordinal) == true);
        var result = Types.InAssembly(data).ShouldNot().HaveDependencyOn("Distance.Realtime").GetResult();
        Assert.True(result.IsSuccessful, "Distance.Data depends on the host:\n" + string.Join('\n', result.FailingTypeNames ?? []));
    }
}
