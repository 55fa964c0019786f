using Dapper;
using Distance.Data.Rooms;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Rooms;

/// <summary>
/// The room list is a quarter of the festival's requests: its statement must not build an on-disk
/// temporary table, which MariaDB does whenever joined rows with TEXT or JSON columns are sorted.
/// </summary>
[Collection(nameof(RoomsCollection))]
public sealed class RoomListStatementTests(DistanceFixture fixture)
{
    private readonly RoomApi api = new(fixture);

    [Fact]
    public async Task TheRoomListIsReadWithoutATemporaryTableOnDisk()
    {
        var member = await api.MemberAsync();
        var first = await api.OpenRoomAsync(member, await api.MemberAsync("female"));
        var second = await api.OpenRoomAsync(await api.MemberAsync("female"), member);
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await connection.OpenAsync().Within();

        var before = await DiskTablesAsync(connection);
        // Dapper maps a scalar from the first column: the room id.
        var rooms = (await connection.QueryAsync<long>(
            RoomRepository.SummariesSql,
            new { memberId = member.Id, roomId = (long?)null, includeLeft = false, beforeAt = (DateTime?)null, beforeId = 0L, limit = 20 }).Within()).ToList();
        var after = await DiskTablesAsync(connection);

        Assert.Equal([first.RoomId, second.RoomId], rooms.Order());
        Assert.Equal(before, after);
    }

    private static async Task<long> DiskTablesAsync(MySqlConnection connection) =>
        (await connection.QuerySingleAsync<(string Name, long Value)>("SHOW SESSION STATUS LIKE 'Created_tmp_disk_tables'").Within()).Value;
}
