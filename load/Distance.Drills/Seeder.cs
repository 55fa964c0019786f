using Distance.Client;
using Distance.Client.Development;
using MySqlConnector;

namespace Distance.Drills;

public sealed record DrillMember(long Id, long LoginId, string Token);

public sealed record DrillPair(DrillMember A, DrillMember B, long RoomId);

/// <summary>
/// Members go straight into MariaDB (student-verified, with a login each) and get minted tokens;
/// their rooms are opened through the real POST /api/rooms, so the rooms' state and caches are
/// exactly what the product makes.
/// </summary>
public sealed class Seeder(string connectionString, DevelopmentTokens tokens, Uri node)
{
    private const string InsertMember = """
        INSERT INTO members (phone, password_hash, gender, school_code, college, department, mbti, `character`,
                             tags, hobbies, student_verified, created_at, last_active_at)
        VALUES (@phone, 'drill-no-login', @gender, 'GACHON', '공과대학', '드릴학과', 'ENTP', '끈기', '["부하","장애"]', '["복구"]', TRUE,
                UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
        INSERT INTO logins (member_id, created_at) VALUES (LAST_INSERT_ID(), UTC_TIMESTAMP(3));
        SELECT member_id, id FROM logins WHERE id = LAST_INSERT_ID();
        """;

    public async Task<IReadOnlyList<DrillMember>> MembersAsync(int count, CancellationToken cancellationToken)
    {
        var members = new List<DrillMember>(count);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // 0109xxxxxxx: a range no real sign-up in the drill database uses; random per run.
        var phoneBase = Random.Shared.Next(0, 9_000_000);
        for (var i = 0; i < count; i++)
        {
            await using var command = new MySqlCommand(InsertMember, connection);
            command.Parameters.AddWithValue("@phone", "0109" + (phoneBase + i).ToString("D7", System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("@gender", i % 2 == 0 ? "male" : "female");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            do
            {
                if (reader.FieldCount == 2 && await reader.ReadAsync(cancellationToken))
                {
                    var (memberId, loginId) = (reader.GetInt64(0), reader.GetInt64(1));
                    members.Add(new DrillMember(memberId, loginId, tokens.Issue(memberId, loginId, TimeSpan.FromHours(2))));
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        return members;
    }

    public async Task<IReadOnlyList<DrillPair>> PairsAsync(int count, CancellationToken cancellationToken)
    {
        var members = await MembersAsync(count * 2, cancellationToken);
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(20) };
        var pairs = new List<DrillPair>(count);
        for (var i = 0; i < count; i++)
        {
            var (a, b) = (members[2 * i], members[2 * i + 1]);
            var opened = await new DistanceApiClient(http, a.Token).OpenRoomAsync(b.Id, cancellationToken);
            if (!opened.Created)
                throw new InvalidOperationException($"POST /api/rooms answered {(int)opened.Status}, not 201");
            pairs.Add(new DrillPair(a, b, opened.Room!.RoomId));
        }
        return pairs;
    }

    /// <summary>Every stored message of the rooms: (room, seq, client message id).</summary>
    public async Task<List<(long RoomId, long Seq, string? ClientMessageId)>> HistoryAsync(IEnumerable<long> roomIds, CancellationToken cancellationToken)
    {
        var rows = new List<(long, long, string?)>();
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT room_id, seq, client_message_id FROM messages WHERE room_id IN (" + string.Join(',', roomIds) + ") ORDER BY room_id, seq", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetValue(2).ToString()));
        return rows;
    }
}
