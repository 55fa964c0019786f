namespace Distance.Realtime.Push;

/// <summary>
/// Which members have a live hub connection on any node. Push asks it before relaying; Chat, which
/// owns presence, implements it (a seam owned by the lower feature, docs/architecture.md).
/// </summary>
public interface IOnlineMembers
{
    Task<HashSet<long>> OnlineAsync(IReadOnlyList<long> memberIds);
}
