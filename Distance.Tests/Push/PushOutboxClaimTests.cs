using Dapper;
using Distance.Data.Database;
using Distance.Data.Push;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Distance.Tests.Push;

/// <summary>
/// The outbox claim on the real MariaDB, in a database of its own (no node's relay competes for
/// the rows): a claim moves the rows out of the outbox rather than holding their locks, so new
/// events of the same room start a row of their own instead of waiting for the relay; a claim never
/// completed is taken again once its lease has run out.
/// </summary>
public sealed class PushOutboxClaimTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private readonly string database = TestServices.UniqueName("distance_outbox");
    private MySqlDataSource dataSource = null!;

    [Fact]
    public async Task AClaimMovesItsRowsNewEventsStartARowAndAnUncompletedClaimIsTakenAgainAfterItsLease()
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
        Assert.Equal([(first.Id + 1, 1, "second")], await RowsAsync(connection, "push_outbox"));
        Assert.Equal([(first.Id, 1, "first")], await RowsAsync(connection, "push_claimed"));

        // The relay that claimed the first row died without deleting it: after the lease, a claim takes it again.
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(200));
        var again = await outbox.ClaimAsync(TimeSpan.Zero, Lease, 100, default);
        Assert.Equal([first.Id, first.Id + 1], again.Rows.Select(r => r.Id).Order());
        await again.CompleteAsync(default);
        Assert.Empty(await RowsAsync(connection, "push_outbox"));
        Assert.Empty(await RowsAsync(connection, "push_claimed"));
    }

    private static async Task<List<(long Id, int Events, string Body)>> RowsAsync(MySqlConnection connection, string table) =>
        (await connection.QueryAsync<(long Id, int Events, string Body)>($"SELECT id, events, body FROM {table} ORDER BY id")).ToList();

    /// <summary>
    /// During a rolling restart nodes of the release before 0080 still mark rows claimed in place
    /// (claim = id): such a row is the new relay's once its lease has run out, not before.
    /// </summary>
    [Fact]
    public async Task ARowMarkedClaimedInPlaceByTheReleaseBeforeIsTakenOnceItsLeaseHasRunOut()
    {
        var outbox = new PushOutboxRepository(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync();
        await AddAsync(connection, "marked");
        await connection.ExecuteAsync("UPDATE push_outbox SET claim = id, claimed_at = UTC_TIMESTAMP(3)");

        Assert.Empty((await outbox.ClaimAsync(TimeSpan.Zero, Lease, 100, default)).Rows);
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(200));
        var claim = await outbox.ClaimAsync(TimeSpan.Zero, Lease, 100, default);
        Assert.Equal("marked", Assert.Single(claim.Rows).Body);
        await claim.CompleteAsync(default);
        Assert.Empty(await RowsAsync(connection, "push_outbox"));
        Assert.Empty(await RowsAsync(connection, "push_claimed"));
    }

    /// <summary>
    /// Batches upserting the rows a relay is claiming, as a chat surge does: a claim takes a row's
    /// keys in the batches' order and skips what they hold, so neither side is ever chosen as a
    /// deadlock victim (a batch was, 4-17 times per cold surge, before), and every event written is
    /// either in a claimed row or still waiting in the outbox: none lost, none counted twice.
    /// </summary>
    [Fact]
    public async Task BatchesAndRelaysSharingRowsNeverDeadlockAndEveryEventIsClaimedOrWaiting()
    {
        const int Members = 40;
        var outbox = new PushOutboxRepository(dataSource);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var deadlocks = 0;
        var written = 0L;
        var claimed = 0L;

        async Task BatchesAsync(int seed)
        {
            var random = new Random(seed);
            await using var connection = await dataSource.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                // A chat batch's pushes: some members, one event each, in no particular order.
                var events = Enumerable.Range(1, Members).Where(_ => random.Next(2) == 0)
                    .Select(m => new PushEvent(m, PushEventKinds.Message, 1000 + m, null, "b")).OrderBy(_ => random.Next()).ToList();
                try
                {
                    await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
                    await PushOutboxWriter.AddAsync(connection, transaction, events, default);
                    await transaction.CommitAsync();
                    Interlocked.Add(ref written, events.Count);
                }
                catch (MySqlException exception) when (exception.ErrorCode == MySqlErrorCode.LockDeadlock)
                {
                    Interlocked.Increment(ref deadlocks);
                }
            }
        }

        async Task RelayAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var claim = await outbox.ClaimAsync(TimeSpan.Zero, TimeSpan.FromMinutes(1), 10, default);
                    await claim.CompleteAsync(default);
                    Interlocked.Add(ref claimed, claim.Rows.Sum(r => r.Events));
                }
                catch (MySqlException exception) when (exception.ErrorCode == MySqlErrorCode.LockDeadlock)
                {
                    Interlocked.Increment(ref deadlocks);
                }
            }
        }

        await Task.WhenAll(BatchesAsync(1), BatchesAsync(2), BatchesAsync(3), RelayAsync(), RelayAsync());

        await using var connection = await dataSource.OpenConnectionAsync();
        var waiting = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(events), 0) FROM push_outbox")
            + await connection.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(events), 0) FROM push_claimed");
        Assert.True(written > 1000 && claimed > 0, $"written {written}, claimed {claimed}: the race did not run");
        Assert.Equal(0, deadlocks);
        Assert.Equal(written, claimed + waiting);
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
