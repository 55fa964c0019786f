using Dapper;
using MySqlConnector;

namespace Distance.Data.Messages;

/// <summary>Where to push a chat message: the push tokens of a member's logins that are still valid.</summary>
public sealed class PushTargetRepository(MySqlDataSource dataSource)
{
    private const string TokensSql = """
        SELECT member_id, push_token FROM logins
        WHERE member_id IN @memberIds AND revoked_at IS NULL AND push_token IS NOT NULL AND push_token <> ''
        """;

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<string>>> PushTokensAsync(
        IReadOnlyCollection<long> memberIds, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
            return new Dictionary<long, IReadOnlyList<string>>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long MemberId, string PushToken)>(
            new CommandDefinition(TokensSql, new { memberIds }, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.MemberId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.PushToken).Distinct().ToList());
    }
}
