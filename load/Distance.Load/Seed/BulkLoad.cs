using System.Globalization;
using System.Text;
using MySqlConnector;

namespace Distance.Load.Seed;

/// <summary>
/// LOAD DATA LOCAL INFILE from tab-separated text built in memory, in chunks, through
/// MySqlConnector's bulk loader: the fastest way to put a million rows into MariaDB.
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
        // The generated rows are consistent by construction: skip the per-row unique checks.
        await using (var settings = new MySqlCommand("SET SESSION unique_checks = 0, foreign_key_checks = 0", connection))
            await settings.ExecuteNonQueryAsync(cancellationToken);

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
        Console.WriteLine($"loaded {rows.Count} rows into {table} in {clock.Elapsed.TotalSeconds:F1} s");
    }

    public static StringBuilder Field(this StringBuilder text, string value) => text.Append(value).Append('\t');

    public static StringBuilder Field(this StringBuilder text, long value) => text.Append(value.ToString(CultureInfo.InvariantCulture)).Append('\t');

    public static StringBuilder Field(this StringBuilder text, double value) => text.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\t');

    public static StringBuilder Field(this StringBuilder text, DateTime value) => text.Append(value.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append('\t');

    /// <summary>The last field of a row: no separator after it.</summary>
    public static StringBuilder Last(this StringBuilder text, string value) => text.Append(value);
}
