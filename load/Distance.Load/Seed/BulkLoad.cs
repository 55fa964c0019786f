using System.Globalization;
using System.Text;
using Dapper;
using MySqlConnector;

namespace Distance.Load.Seed;

/// <summary>
/// LOAD DATA LOCAL INFILE from tab-separated text built in memory, in chunks, through
/// MySqlConnector's bulk loader: the fastest way to put a million rows into MariaDB. Secondary
/// indexes are dropped for the load and built again afterwards (one sorted build is cheaper than
/// millions of random inserts); their definitions are read from the schema, not repeated here.
/// </summary>
public static class BulkLoad
{
    private const int ChunkRows = 200_000;

    public static async Task LoadAsync<T>(string connectionString, string table, string[] columns, IReadOnlyList<T> rows,
        Action<StringBuilder, T> writeRow, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // The generated rows are consistent by construction: skip the per-row checks.
        await connection.ExecuteAsync("SET SESSION unique_checks = 0, foreign_key_checks = 0");
        var indexes = await SecondaryIndexesAsync(connection, table);
        if (indexes.Count > 0)
            await connection.ExecuteAsync($"ALTER TABLE `{table}` " + string.Join(", ", indexes.Select(i => $"DROP INDEX `{i.Name}`")), commandTimeout: 600);

        var text = new StringBuilder(64 * 1024 * 1024);
        for (var offset = 0; offset < rows.Count; offset += ChunkRows)
        {
            text.Clear();
            for (var i = offset; i < Math.Min(rows.Count, offset + ChunkRows); i++)
            {
                writeRow(text, rows[i]);
                text.Append('\n');
            }
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
            var loader = new MySqlBulkLoader(connection)
            {
                TableName = table,
                Local = true,
                SourceStream = stream,
                FieldTerminator = "\t",
                LineTerminator = "\n",
                CharacterSet = "utf8mb4",
                ConflictOption = MySqlBulkLoaderConflictOption.None,
            };
            loader.Columns.AddRange(columns);
            await loader.LoadAsync(cancellationToken);
        }

        if (indexes.Count > 0)
            await connection.ExecuteAsync($"ALTER TABLE `{table}` " + string.Join(", ", indexes.Select(i => "ADD " + i.Definition)), commandTimeout: 600);
        Console.WriteLine($"loaded {rows.Count} rows into {table} in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private sealed record IndexColumn(string IndexName, long NonUnique, string ColumnName, long? SubPart);

    private static async Task<List<(string Name, string Definition)>> SecondaryIndexesAsync(MySqlConnection connection, string table)
    {
        var columns = await connection.QueryAsync<IndexColumn>("""
            SELECT index_name AS IndexName, CAST(non_unique AS SIGNED) AS NonUnique, column_name AS ColumnName,
                   CAST(sub_part AS SIGNED) AS SubPart
            FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name = @table AND index_name <> 'PRIMARY'
              -- An AUTO_INCREMENT column must keep its index.
              AND index_name NOT IN (SELECT s.index_name FROM information_schema.statistics s
                                     JOIN information_schema.columns c USING (table_schema, table_name, column_name)
                                     WHERE s.table_schema = DATABASE() AND s.table_name = @table AND c.extra LIKE '%auto_increment%')
            ORDER BY index_name, seq_in_index
            """, new { table });
        return columns.GroupBy(c => c.IndexName).Select(g => (g.Key,
                (g.First().NonUnique == 1 ? "INDEX" : "UNIQUE INDEX") + $" `{g.Key}` (" +
                string.Join(", ", g.Select(c => $"`{c.ColumnName}`" + (c.SubPart is { } part ? $"({part})" : ""))) + ")"))
            .ToList();
    }

    public static StringBuilder Field(this StringBuilder text, string value) => text.Append(value).Append('\t');

    public static StringBuilder Field(this StringBuilder text, long value) => text.Append(value.ToString(CultureInfo.InvariantCulture)).Append('\t');

    public static StringBuilder Field(this StringBuilder text, double value) => text.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\t');

    public static StringBuilder Field(this StringBuilder text, DateTime value) => text.Append(value.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append('\t');

    /// <summary>The last field of a row: no separator after it.</summary>
    public static StringBuilder Last(this StringBuilder text, string value) => text.Append(value);
}
