using System.Diagnostics;
using Dapper;
using Distance.Load.Chat;
using Distance.Load.Seed;
using MySqlConnector;

namespace Distance.Load.Festival;

/// <summary>
/// The festival's database in one bulk path (no API, no password hashing): `seed`'s population,
/// whose crowd at ids 1..members stands around the host campus (women at odd, men at even ids,
/// verified), with background members after it, then room k between members 2k-1 and 2k with a
/// history of messages, so room lists and history pages read real rows.
/// </summary>
public static class FestivalSeed
{
    public static async Task RunAsync(string connection, int members, int background, int history, string host, int randomSeed, bool force)
    {
        var clock = Stopwatch.StartNew();
        var connectionString = await SeedCommand.RecreateAsync(connection, force);
        await SeedCommand.SeedPopulationAsync(connectionString, members + background, members / 2, host, randomSeed);
        await ChatSeed.LoadRoomsAsync(connectionString, members / 2, history);
        await using (var database = new MySqlConnection(connectionString))
            await database.ExecuteAsync("ANALYZE TABLE rooms, room_members, messages", commandTimeout: 600);
        Console.WriteLine($"seeded {members} crowd members of {host} (ids 1..{members}, {members / 2} rooms of {history} messages) " +
            $"and {background} background members into {new MySqlConnectionStringBuilder(connectionString).Database} in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
