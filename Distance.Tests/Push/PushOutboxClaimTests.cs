using Dapper;
using Distance.Data.Database;
using Distance.Data.Push;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Distance.Tests.Push;

/// <summary>
/// The outbox claim on the real MariaDB, in a database of its own (no node's relay competes for
/// the rows): a claim is a mark, not a held lock, so new events of the same room start a row of
/// their own instead of waiting for the relay; a claim never completed is taken again once its
/// lease has run out.
/// </summary>
public sealed class PushOutboxClaimTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private readonly string database = TestServices.UniqueName("distance_outbox");
    private MySqlDataSource dataSource = null!;

    [Fact]
    public async Task AClaimIsAMarkNewEventsStartARowAndAnUncompletedClaimIsTakenAgainAfterItsLease()
    {
        var outbox = new PushOutboxRepository(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync();
        await AddAsync(connection, "first");

        var claim = await outbox.ClaimAsync(TimeSpan.Zero, Lease, 100, default);
        var first = Assert.Single(claim.Rows);
        Assert.Equal(("first", 1), (first.Body, first.Events));
        Assert.Empty((await outbox.ClaimAsync(TimeSpan.Zero, Lease, 100, default)).Rows); // no other relay takes it

        // The next message in the room, committed while the claim is out, does not wait for the
        // relay: it starts a row of its own, and the claimed row keeps what the relay read.
        await AddAsync(connection, "second");
        var rows = (await connection.QueryAsync<(long Id, int Events, string Body, long Claim)>(
            "SELECT id, events, body, claim FROM push_outbox ORDER BY id")).ToList();
        Assert.Equal([(first.Id, 1, "first", first.Id), (first.Id + 1, 1, "second", 0L)], rows);

        // The relay that claimed the first row died without deleting it: after the lease, a claim takes it again.
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(200));
        var again = await outbox.ClaimAsync(TimeSpan.Zero, Lease, 100, default);
        Assert.Equal([first.Id, first.Id + 1], again.Rows.Select(r => r.Id).Order());
        await again.CompleteAsync(default);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM push_outbox"));
    }

    private static async Task AddAsync(MySqlConnection connection, string body)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await PushOutboxWriter.AddAsync(connection, transaction, [new PushEvent(42, PushEventKinds.Message, 7, null, body)], default);
        await transaction.CommitAsync();
    }

    public async Task InitializeAsync()
    {
        var connectionString = TestServices.MariaDbConnection(database);
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance).MigrateAsync(connectionString, CancellationToken.None);
        dataSource = new MySqlDataSource(connectionString);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await TestServices.DropDatabaseAsync(database);
    }
}
