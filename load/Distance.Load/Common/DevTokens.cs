using System.Collections.Concurrent;
using Distance.Client.Development;

namespace Distance.Load.Common;

/// <summary>
/// Access tokens for seeded members, signed with the local cluster's Development key (one per
/// member, minted once and kept): a benchmark needs tokens for thousands of members; logging each
/// in through the API would measure password hashing.
/// </summary>
public sealed class DevTokens(DevelopmentTokens minter)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(6);
    private readonly ConcurrentDictionary<long, string> tokens = new();
    // One login per member, as after a real sign-in: with one login id shared by every member, the
    // node's per-login index held all connections in one array, rebuilt on each connect (issue 20's
    // storm measured that, not the server). One delegate, not one per call.
    private readonly Func<long, string> mint = id => minter.Issue(id, loginId: id, Lifetime);

    public static DevTokens FromFile(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"no signing key at {path}: start the local cluster in Development first");
        return new DevTokens(DevelopmentTokens.FromBase64(File.ReadAllText(path)));
    }

    public string For(long memberId) => tokens.GetOrAdd(memberId, mint);
}
