using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Connections;

/// <summary>
/// The hub connections open on this node, by member, so this node can close its own sockets when
/// a member is deleted or deactivated. It describes only local sockets; nothing shared between
/// nodes lives here (that is Redis's job).
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, HubCallerContext>> byMember = new();

    public void Add(long memberId, HubCallerContext context) =>
        byMember.GetOrAdd(memberId, _ => new())[context.ConnectionId] = context;

    public void Remove(long memberId, string connectionId)
    {
        if (!byMember.TryGetValue(memberId, out var connections))
            return;
        connections.TryRemove(connectionId, out _);
        if (connections.IsEmpty)
            byMember.TryRemove(new KeyValuePair<long, ConcurrentDictionary<string, HubCallerContext>>(memberId, connections));
    }

    public int CountFor(long memberId) => byMember.TryGetValue(memberId, out var c) ? c.Count : 0;

    /// <summary>The ids of the member's connections on this node (a copy).</summary>
    public IReadOnlyList<string> ConnectionIdsOf(long memberId) =>
        byMember.TryGetValue(memberId, out var c) ? c.Keys.ToList() : [];

    /// <summary>Every connection on this node (a copy), e.g. to refresh their presence.</summary>
    public IReadOnlyList<(long MemberId, string ConnectionId)> Snapshot() =>
        byMember.SelectMany(m => m.Value.Keys.Select(c => (m.Key, c))).ToList();

    public int Count => byMember.Values.Sum(c => c.Count);

    public int AbortAll(long memberId)
    {
        if (!byMember.TryRemove(memberId, out var connections))
            return 0;
        foreach (var context in connections.Values)
            context.Abort();
        return connections.Count;
    }
}
