using System.Diagnostics;
using System.Net.Http.Json;
using Distance.Data.Database;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Distance.Tests.HighAvailability;

/// <summary>
/// Lag-tolerant reads on a real primary and GTID replica (scripts/ha.sh). Each test gives a school
/// of its own a different name on the replica alone (written there without a binary log), so the
/// school search answers which server it read: "…-replica" from the replica, the plain name from
/// the primary.
/// </summary>
[Collection(nameof(ReplicaCollection))]
[Trait("Category", "HighAvailability")]
public sealed class ReadRoutingTests(ReplicaFixture fixture)
{
    private static readonly TimeSpan Settled = ReplicaFixture.MaxLag + TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task LagTolerantReadsGoToTheReplicaWhileItIsFresh()
    {
        var school = await MarkedSchoolAsync();

        await UntilAnswerAsync(school, school + "-replica", "a fresh replica answers the school search");
        Assert.True(fixture.Node.Service<ReadRouting>().ReplicaIsFresh);
    }

    [Fact]
    public async Task ReadsGoToThePrimaryWhileReplicationIsStoppedAndBackAfterItRestarts()
    {
        var school = await MarkedSchoolAsync();
        await UntilAnswerAsync(school, school + "-replica", "a fresh replica answers first");
        try
        {
            await fixture.OnReplicaAsync("STOP SLAVE SQL_THREAD");
            await Task.Delay(Settled);
            await AlwaysAnswerAsync(school, school, "a replica whose SQL thread is stopped is not read from");
        }
        finally
        {
            await fixture.OnReplicaAsync("START SLAVE");
        }
        await UntilAnswerAsync(school, school + "-replica", "reads return once replication runs and has caught up");
    }

    [Fact]
    public async Task ALaggingReplicaGivesNoAnswerStalerThanTheBound()
    {
        var school = await MarkedSchoolAsync();
        var renamed = await NewSchoolAsync();
        await fixture.ReplicaCaughtUpAsync();
        await UntilAnswerAsync(school, school + "-replica", "a fresh replica answers first");
        try
        {
            // Both threads keep running; the replica applies nothing younger than a minute.
            await fixture.OnReplicaAsync("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 60; START SLAVE");
            await fixture.OnPrimaryAsync("UPDATE schools SET name = @name WHERE code = @code", new { code = renamed, name = renamed + "-v2" });
            await Task.Delay(Settled);

            await AlwaysAnswerAsync(renamed, renamed + "-v2", "a write older than the bound is in every answer");
            await AlwaysAnswerAsync(school, school, "a replica behind by more than the bound is not read from");
        }
        finally
        {
            await fixture.OnReplicaAsync("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE");
        }
        await UntilAnswerAsync(school, school + "-replica", "reads return once the replica has caught up");
    }

    [Fact]
    public async Task ReadsGoToThePrimaryWithoutAnErrorWhenTheReplicaIsDown()
    {
        var school = await MarkedSchoolAsync();
        await UntilAnswerAsync(school, school + "-replica", "a fresh replica answers first");
        try
        {
            fixture.ReplicaProxy.Cut();
            // No settling: the reads in flight when the replica goes are answered by the primary.
            await AlwaysAnswerAsync(school, school, "every read is answered, by the primary, while the replica is unreachable");
        }
        finally
        {
            fixture.ReplicaProxy.Restore();
        }
        await UntilAnswerAsync(school, school + "-replica", "reads return when the replica is back");
    }

    [Fact]
    public async Task AServerThatReplicatesNothingIsNeverReadFrom()
    {
        // The read connection names the primary itself: a plausible slip in configuration.
        var options = Options.Create(new DatabaseOptions
        {
            ConnectionString = fixture.PrimaryConnection, ReadConnectionString = fixture.PrimaryConnection,
            ReplicaCheckInterval = TimeSpan.FromMilliseconds(100),
        });
        await using var primary = new MySqlDataSource(fixture.PrimaryConnection);
        await using var routing = new ReadRouting(primary, options, TimeProvider.System, NullLogger<ReadRouting>.Instance);
        var monitor = new ReplicaMonitor(routing, primary, options, TimeProvider.System, NullLogger<ReplicaMonitor>.Instance);

        var verdict = await monitor.CheckAsync(CancellationToken.None).Within();

        Assert.Contains("replicates from nothing", verdict);
        Assert.False(routing.ReplicaIsFresh);
    }

    /// <summary>A school whose name on the replica differs from the primary's; returns its code, which is also its name's prefix.</summary>
    private async Task<string> MarkedSchoolAsync()
    {
        var code = await NewSchoolAsync();
        await fixture.ReplicaCaughtUpAsync();
        await fixture.OnReplicaAsync(
            $"SET SESSION sql_log_bin = 0; UPDATE `{fixture.Database}`.schools SET name = CONCAT(name, '-replica') WHERE code = @code", new { code });
        return code;
    }

    private async Task<string> NewSchoolAsync()
    {
        var code = "HA" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        await fixture.OnPrimaryAsync(
            "INSERT INTO schools (code, name, womens_university, campus_latitude, campus_longitude) VALUES (@code, @code, FALSE, 37.45, 127.13)",
            new { code });
        return code;
    }

    private async Task<string> AnswerAsync(string prefix)
    {
        using var client = fixture.Node.CreateClient();
        var found = await client.GetFromJsonAsync<SchoolAnswer[]>("/api/schools?query=" + prefix).Within();
        return Assert.Single(found!).Name;
    }

    private async Task UntilAnswerAsync(string prefix, string expected, string because) =>
        await Eventually.UntilAsync(async () => await AnswerAsync(prefix) == expected, TimeSpan.FromSeconds(15), because);

    /// <summary>Asks for two seconds: every answer must be <paramref name="expected"/>.</summary>
    private async Task AlwaysAnswerAsync(string prefix, string expected, string because)
    {
        var watch = Stopwatch.StartNew();
        var asked = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.True(await AnswerAsync(prefix) == expected, because);
            asked++;
        }
        Assert.True(asked > 10, "the search answered too slowly to prove anything");
    }

    private sealed record SchoolAnswer(string Code, string Name);
}
