using System.Globalization;
using System.Text;
using Dapper;
using Distance.Load.Common;
using Distance.Load.Seed;
using MySqlConnector;

namespace Distance.Load.Chat;

/// <summary>
/// A fresh database with N verified member pairs and one active room per pair, written directly
/// (the rows RoomCreationRepository would write): members 2k-1 and 2k share room k. The nodes
/// fill their Redis room cache from these rows on the first send.
/// </summary>
public static class ChatSeed
{
    private const int Batch = 1000;

    public static async Task RunAsync(string connectionString, int pairs, bool force)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString) { AllowLoadLocalInfile = true };
        await ScratchDatabase.RecreateAsync(builder.ConnectionString, force);

        await using (var connection = new MySqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            var school = await connection.ExecuteScalarAsync<string>("SELECT code FROM schools ORDER BY code LIMIT 1") ?? "KONKUK";
            for (var first = 1; first <= 2 * pairs; first += Batch)
            {
                var last = Math.Min(2 * pairs, first + Batch - 1);
                var sql = new StringBuilder("INSERT INTO members (id, phone, password_hash, gender, school_code, college, department, mbti, `character`, tags, hobbies, student_verified, created_at, last_active_at) VALUES ");
                for (var id = first; id <= last; id++)
                    sql.Append(CultureInfo.InvariantCulture, $"({id}, '010{id:D8}', 'seeded-no-password', '{(id % 2 == 1 ? "female" : "male")}', @school, '공과대학', '컴퓨터공학과', 'INTJ', '차분함', '[]', '[]', TRUE, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))")
                        .Append(id < last ? "," : ";");
                await connection.ExecuteAsync(sql.ToString(), new { school });
            }
        }
        await LoadRoomsAsync(builder.ConnectionString, pairs, history: 0);
        Console.WriteLine($"seeded {pairs} rooms of two verified members into {builder.Database}");
    }

    /// <summary>
    /// Room k for k = 1..<paramref name="pairs"/> between members 2k-1 and 2k (who must exist), with
    /// <paramref name="history"/> text messages each, the two members taking turns, one a minute up
    /// to a minute ago, all read: the rows the node would have written for that conversation. Their
    /// client ids start with 00000000-, which no run tag of the chat phases does. The connection
    /// string must allow LOAD DATA LOCAL (<see cref="BulkLoad"/>).
    /// </summary>
    public static async Task LoadRoomsAsync(string connectionString, int pairs, int history)
    {
        var now = DateTime.UtcNow;
        var rooms = Enumerable.Range(1, pairs).Select(k => (long)k).ToList();
        DateTime SentAt(long seq) => now.AddMinutes(seq - history - 1);
        long? LastSender(long room) => history == 0 ? null : history % 2 == 1 ? 2 * room - 1 : 2 * room;
        var loads = new List<Task>
        {
            BulkLoad.LoadAsync(connectionString, "rooms",
                ["id", "member_low", "member_high", "status", "last_seq", "last_sender_id", "exchanges", "created_at", "last_activity_at"],
                rooms, (text, room) => text.Field(room).Field(2 * room - 1).Field(2 * room).Field("active").Field(history)
                    .Field(LastSender(room) is { } sender ? sender.ToString(CultureInfo.InvariantCulture) : "\\N")
                    .Field(Math.Max(0, history - 1)).Field(SentAt(0)).Append(SentAt(history).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)),
                CancellationToken.None),
            BulkLoad.LoadAsync(connectionString, "room_members", ["room_id", "member_id", "read_seq"],
                rooms.SelectMany(room => new[] { (Room: room, Member: 2 * room - 1), (Room: room, Member: 2 * room) }).ToList(),
                (text, row) => text.Field(row.Room).Field(row.Member).Append(history.ToString(CultureInfo.InvariantCulture)),
                CancellationToken.None),
        };
        if (history > 0)
            loads.Add(BulkLoad.LoadAsync(connectionString, "messages", ["room_id", "seq", "sender_id", "kind", "text", "sent_at", "client_message_id"],
                rooms.SelectMany(room => Enumerable.Range(1, history).Select(seq => (Room: room, Seq: (long)seq))).ToList(),
                (text, row) => text.Field(row.Room).Field(row.Seq).Field(row.Seq % 2 == 1 ? 2 * row.Room - 1 : 2 * row.Room).Field("text")
                    .Field("history " + row.Seq.ToString(CultureInfo.InvariantCulture)).Field(SentAt(row.Seq))
                    .Append(string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{row.Room:x6}{row.Seq:x6}")),
                CancellationToken.None));
        await Task.WhenAll(loads);
    }

    /// <summary>
    /// Checks that every acked message of a run is stored exactly once in its room: how many are
    /// missing, how many of the run's rows were never acked, and how many rooms store one twice.
    /// </summary>
    public static async Task<(long Lost, long Extra, long RoomsStoringTwice)> VerifyAsync(
        string connectionString, string runTag, int pairs, IReadOnlyDictionary<long, long> ackedByRoom, long acked)
    {
        var stored = await StoredAsync(connectionString, runTag, pairs);
        long lost = 0, twice = 0;
        foreach (var (room, count) in ackedByRoom)
        {
            var rows = stored.TryGetValue(room, out var s) ? s : (0, 0);
            if (rows.Rows != rows.Distinct)
                twice++;
            lost += Math.Max(0, count - rows.Rows);
        }
        return (lost, stored.Values.Sum(s => s.Rows) - acked, twice);
    }

    // MariaDB turns an IN list of 1,000 values or more (in_predicate_conversion_threshold) into a
    // join that reads every row of each room; below it, a range seek per room on the
    // (room_id, client_message_id) index reads only the run's rows.
    private const int RoomsPerLookup = 500;

    private const string StoredSql = """
        SELECT room_id, COUNT(*), COUNT(DISTINCT client_message_id) FROM messages
        WHERE room_id IN @rooms AND client_message_id LIKE @tag GROUP BY room_id
        """;

    /// <summary>
    /// Per room, how many messages of this run (client ids starting with <paramref name="runTag"/>)
    /// are stored, and how many distinct. Naming the rooms lets MariaDB seek the
    /// (room_id, client_message_id) index per room instead of scanning every message ever stored,
    /// which matters when a soak checks each minute's messages in a table that keeps growing.
    /// </summary>
    private static async Task<Dictionary<long, (long Rows, long Distinct)>> StoredAsync(string connectionString, string runTag, int pairs)
    {
        await using var connection = new MySqlConnection(connectionString);
        var result = new Dictionary<long, (long Rows, long Distinct)>();
        for (var first = 1; first <= pairs; first += RoomsPerLookup)
        {
            var rooms = Enumerable.Range(first, Math.Min(RoomsPerLookup, pairs - first + 1)).Select(r => (long)r).ToArray();
            var rows = await connection.QueryAsync<(long RoomId, long Rows, long Distinct)>(StoredSql, new { rooms, tag = runTag + "%" }, commandTimeout: 600);
            foreach (var row in rows)
                result[row.RoomId] = (row.Rows, row.Distinct);
        }
        return result;
    }
}
