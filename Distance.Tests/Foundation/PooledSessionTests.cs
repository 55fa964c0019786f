using System.Text.RegularExpressions;

namespace Distance.Tests.Foundation;

/// <summary>
/// The node's data source reuses pooled connections without resetting them (a round trip saved on
/// every operation), so no statement may rely on the session's defaults: a transaction that does
/// not name its isolation level would run at whatever level the connection's previous user set.
/// </summary>
public sealed partial class PooledSessionTests
{
    [Fact]
    public void EveryTransactionOfTheDataLayerNamesItsIsolationLevel()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Distance.sln")))
            root = root.Parent;
        Assert.NotNull(root);

        var sources = Directory.GetFiles(Path.Combine(root.FullName, "Distance.Data"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root.FullName, "Distance.Realtime"), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var calls = sources.SelectMany(path => BeginTransaction().Matches(File.ReadAllText(path))
            .Select(match => (File: Path.GetFileName(path), Call: match.Value))).ToList();

        Assert.NotEmpty(calls);
        Assert.All(calls, call => Assert.True(call.Call.Contains("IsolationLevel.", StringComparison.Ordinal),
            $"{call.File}: {call.Call} does not name its isolation level"));
    }

    [GeneratedRegex(@"BeginTransaction(Async)?\([^)]*\)")]
    private static partial Regex BeginTransaction();
}
