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
/// <remarks>
/// A member holds 1 to <see cref="RealtimeOptions.MaxConnectionsPerMember"/> connections, so each
/// member's (and login's) connections are a small array replaced whole on every change, not a
/// dictionary of its own: a node holds tens of thousands of members, and an inner concurrent
/// dictionary costs ~600 bytes each where an array of one costs ~40 (issue 20, live heap per
/// connection).
/// </remarks>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<long, HubCallerContext[]> byMember = new();
    private readonly ConcurrentDictionary<long, HubCallerContext[]> byLogin = new();

    public void Add(long memberId, HubCallerContext context)
    {
        Insert(byMember, memberId, context);
        if (LoginOf(context) is { } loginId)
            Insert(byLogin, loginId, context);
    }

    public void Remove(long memberId, string connectionId)
    {
        if (Delete(byMember, memberId, connectionId) is { } context && LoginOf(context) is { } loginId)
            Delete(byLogin, loginId, connectionId);
    }

    public int CountFor(long memberId) => byMember.TryGetValue(memberId, out var c) ? c.Length : 0;

    /// <summary>The ids of the member's connections on this node (a copy).</summary>
    public IReadOnlyList<string> ConnectionIdsOf(long memberId) =>
        byMember.TryGetValue(memberId, out var c) ? c.Select(x => x.ConnectionId).ToList() : [];

    /// <summary>Every connection on this node (a copy), e.g. to refresh their presence.</summary>
    public IReadOnlyList<(long MemberId, string ConnectionId)> Snapshot() =>
        byMember.SelectMany(m => m.Value.Select(c => (m.Key, c.ConnectionId))).ToList();

    public int Count => byMember.Values.Sum(c => c.Length);

    /// <summary>Aborts every connection of the member on this node; OnDisconnected removes them.</summary>
    public int AbortAll(long memberId) => Abort(byMember.TryGetValue(memberId, out var c) ? c : []);

    /// <summary>Aborts every connection of one login (a device's session) on this node.</summary>
    public int AbortLogin(long loginId) => Abort(byLogin.TryGetValue(loginId, out var c) ? c : []);

    /// <summary>Aborts one connection if it is on this node.</summary>
    public bool AbortConnection(long memberId, string connectionId)
    {
        if (!byMember.TryGetValue(memberId, out var c) || Array.Find(c, x => x.ConnectionId == connectionId) is not { } context)
            return false;
        context.Abort();
        return true;
    }

    // The arrays are never changed in place (readers may hold one), only swapped: the compare-and-swap
    // loops retry when another connection of the same member changed the entry meanwhile.
    private static void Insert(ConcurrentDictionary<long, HubCallerContext[]> index, long key, HubCallerContext context)
    {
        while (true)
        {
            if (!index.TryGetValue(key, out var current))
            {
                if (index.TryAdd(key, [context]))
                    return;
                continue;
            }
            if (Array.Exists(current, x => x.ConnectionId == context.ConnectionId)
                || index.TryUpdate(key, [.. current, context], current))
                return;
        }
    }

    private static HubCallerContext? Delete(ConcurrentDictionary<long, HubCallerContext[]> index, long key, string connectionId)
    {
        while (index.TryGetValue(key, out var current))
        {
            if (Array.Find(current, x => x.ConnectionId == connectionId) is not { } context)
                return null;
            var removed = current.Length == 1
                ? index.TryRemove(new KeyValuePair<long, HubCallerContext[]>(key, current))
                : index.TryUpdate(key, Array.FindAll(current, x => x.ConnectionId != connectionId), current);
            if (removed)
                return context;
        }
        return null;
    }

    private static int Abort(HubCallerContext[] contexts)
    {
        foreach (var context in contexts)
            context.Abort();
        return contexts.Length;
    }

    private static long? LoginOf(HubCallerContext context) =>
        long.TryParse(context.User?.FindFirst(MemberClaims.LoginIdClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
