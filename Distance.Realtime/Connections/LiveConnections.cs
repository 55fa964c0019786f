using System.Collections.Concurrent;
using System.Globalization;
using Distance.Realtime.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Connections;

/// <summary>
/// The hub connections open on this node, by member and by login, so this node can close its own
/// sockets when a member is deleted, a login ends or a member opens too many. It describes only
/// local sockets; nothing shared between nodes lives here (that is Redis's job).
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, HubCallerContext>> byMember = new();
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, HubCallerContext>> byLogin = new();

    public void Add(long memberId, HubCallerContext context)
    {
        byMember.GetOrAdd(memberId, _ => new())[context.ConnectionId] = context;
        if (LoginOf(context) is { } loginId)
            byLogin.GetOrAdd(loginId, _ => new())[context.ConnectionId] = context;
    }

    public void Remove(long memberId, string connectionId)
    {
        if (!byMember.TryGetValue(memberId, out var connections) || !connections.TryRemove(connectionId, out var context))
            return;
        if (connections.IsEmpty)
            byMember.TryRemove(new KeyValuePair<long, ConcurrentDictionary<string, HubCallerContext>>(memberId, connections));
        if (LoginOf(context) is { } loginId && byLogin.TryGetValue(loginId, out var ofLogin))
        {
            ofLogin.TryRemove(connectionId, out _);
            if (ofLogin.IsEmpty)
                byLogin.TryRemove(new KeyValuePair<long, ConcurrentDictionary<string, HubCallerContext>>(loginId, ofLogin));
        }
    }

    public int CountFor(long memberId) => byMember.TryGetValue(memberId, out var c) ? c.Count : 0;

    /// <summary>The ids of the member's connections on this node (a copy).</summary>
    public IReadOnlyList<string> ConnectionIdsOf(long memberId) =>
        byMember.TryGetValue(memberId, out var c) ? c.Keys.ToList() : [];

    /// <summary>Every connection on this node (a copy), e.g. to refresh their presence.</summary>
    public IReadOnlyList<(long MemberId, string ConnectionId)> Snapshot() =>
        byMember.SelectMany(m => m.Value.Keys.Select(c => (m.Key, c))).ToList();

    public int Count => byMember.Values.Sum(c => c.Count);

    /// <summary>Aborts every connection of the member on this node; OnDisconnected removes them.</summary>
    public int AbortAll(long memberId) => Abort(byMember.TryGetValue(memberId, out var c) ? c.Values : []);

    /// <summary>Aborts every connection of one login (a device's session) on this node.</summary>
    public int AbortLogin(long loginId) => Abort(byLogin.TryGetValue(loginId, out var c) ? c.Values : []);

    /// <summary>Aborts one connection if it is on this node.</summary>
    public bool AbortConnection(long memberId, string connectionId)
    {
        if (!byMember.TryGetValue(memberId, out var c) || !c.TryGetValue(connectionId, out var context))
            return false;
        context.Abort();
        return true;
    }

    private static int Abort(IEnumerable<HubCallerContext> contexts)
    {
        var count = 0;
        foreach (var context in contexts.ToList())
        {
            context.Abort();
            count++;
        }
        return count;
    }

    private static long? LoginOf(HubCallerContext context) =>
        long.TryParse(context.User?.FindFirst(MemberClaims.LoginIdClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
