using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Distance.Data.Database;

/// <summary>
/// Proves, every <see cref="DatabaseOptions.ReplicaCheckInterval"/>, that the replica follows this
/// primary and holds every commit the primary had when the check began: the primary's GTID
/// position is read first, then the replica must show both replication threads running, the
/// primary's server id as its source, and that position reached (MASTER_GTID_WAIT with no wait).
/// Only a passed check moves <see cref="ReadRouting"/>'s freshness forward; anything else leaves
/// it to age past the bound, or clears it when the replica is plainly not replicating.
/// </summary>
public sealed partial class ReplicaMonitor(
    ReadRouting routing, MySqlDataSource primary, IOptions<DatabaseOptions> options, TimeProvider clock,
    ILogger<ReplicaMonitor> logger) : BackgroundService
{
    private readonly TimeSpan interval = options.Value.ReplicaCheckInterval;

    private const string PrimarySql = "SELECT @@log_bin AS LogBin, @@server_id AS ServerId, @@gtid_binlog_pos AS Position";

    // A class, not a record: Dapper converts the server's unsigned and integer columns into properties.
    private sealed class PrimaryState
    {
        public bool LogBin { get; init; }
        public long ServerId { get; init; }
        public string Position { get; init; } = "";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (routing.Replica is null)
            return;
        string? lastVerdict = null;
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            var verdict = await CheckAsync(stoppingToken);
            if (verdict != lastVerdict)
            {
                if (verdict is null)
                    LogReplicaFresh();
                else
                    LogReplicaNotUsed(verdict);
                lastVerdict = verdict;
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One check; null when the replica was proven fresh, else why it is not read from.</summary>
    internal async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        try
        {
            PrimaryState state;
            await using (var connection = await primary.OpenConnectionAsync(cancellationToken))
                state = await connection.QuerySingleAsync<PrimaryState>(new CommandDefinition(PrimarySql, cancellationToken: cancellationToken));
            if (!state.LogBin)
                return Stale("the primary keeps no binary log, so nothing can replicate from it");

            await using var replica = await routing.Replica!.OpenConnectionAsync(cancellationToken);
            if (await ReplicationProblemAsync(replica, state.ServerId, cancellationToken) is { } problem)
                return Stale(problem);
            // 0: reached; -1: not within one interval. Under load the replica is a few milliseconds
            // behind at any instant, so it gets that long to catch up before the check fails.
            var reached = await replica.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT MASTER_GTID_WAIT(@position, @wait)", new { position = state.Position, wait = interval.TotalSeconds },
                cancellationToken: cancellationToken));
            if (reached != 0)
                return "it is behind the primary"; // freshness ages past the bound on its own
            routing.ProvedFresh(started);
            return null;
        }
        // Whatever went wrong, the monitor keeps running: a check that fails only means no replica reads.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Stale("unreachable: " + exception.Message);
        }
    }

    private string Stale(string reason)
    {
        routing.MarkStale();
        return reason;
    }

    /// <summary>Why the server behind the read connection is not a working replica of this primary, or null.</summary>
    private static async Task<string?> ReplicationProblemAsync(MySqlConnection replica, long primaryServerId, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SHOW SLAVE STATUS", replica);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return "it replicates from nothing (SHOW SLAVE STATUS is empty)";
        string Column(string name) => reader.IsDBNull(reader.GetOrdinal(name)) ? "" : Convert.ToString(reader.GetValue(reader.GetOrdinal(name)))!;
        if (Column("Slave_IO_Running") != "Yes" || Column("Slave_SQL_Running") != "Yes")
            return $"replication is not running (IO {Column("Slave_IO_Running")}, SQL {Column("Slave_SQL_Running")}: {Column("Last_Error")}{Column("Last_IO_Error")})";
        if (Column("Master_Server_Id") != primaryServerId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return $"it replicates from server {Column("Master_Server_Id")}, not from this primary (server {primaryServerId})";
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The read replica is fresh: lag-tolerant reads go to it")]
    private partial void LogReplicaFresh();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read replica is not read from: {Reason}")]
    private partial void LogReplicaNotUsed(string reason);
}
