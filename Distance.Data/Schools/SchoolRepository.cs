using Dapper;
using Distance.Data.Database;
using MySqlConnector;

namespace Distance.Data.Schools;

public sealed record School(string Code, string Name, bool WomensUniversity, double CampusLatitude, double CampusLongitude);

public sealed class SchoolRepository(MySqlDataSource dataSource, ReadRouting reads)
{
    private const string FindSql = """
        SELECT code, name, womens_university AS WomensUniversity,
               campus_latitude AS CampusLatitude, campus_longitude AS CampusLongitude
        FROM schools WHERE code = @code
        """;

    public async Task<School?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<School>(new CommandDefinition(FindSql, new { code }, cancellationToken: cancellationToken));
    }

    // LIKE with an escaped prefix keeps the name index usable and wildcards in the query literal.
    private const string SearchSql = """
        SELECT code, name, womens_university AS WomensUniversity,
               campus_latitude AS CampusLatitude, campus_longitude AS CampusLongitude
        FROM schools WHERE name LIKE @pattern ESCAPE '\\' ORDER BY name LIMIT @limit
        """;

    /// <summary>Schools change with a migration, not with a member's action: the replica may answer.</summary>
    public async Task<IReadOnlyList<School>> SearchByPrefixAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var pattern = prefix.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var rows = await reads.ReadAsync(connection => connection.QueryAsync<School>(
            new CommandDefinition(SearchSql, new { pattern, limit }, cancellationToken: cancellationToken)), cancellationToken);
        return rows.AsList();
    }

    private const string DomainsSql = "SELECT domain FROM school_domains WHERE school_code = @code ORDER BY domain";

    public async Task<IReadOnlyList<string>> DomainsAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(DomainsSql, new { code }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
