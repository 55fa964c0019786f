using Distance.Data.Rooms;
using Distance.Realtime.Observability;

namespace Distance.Realtime.Rooms;

/// <summary>
/// Feeds <c>distance.chat.rooms.active</c> from the database every <see cref="Period"/>: the count
/// is cluster-wide, so every node reports the same number (the dashboard takes the max). A count
/// kept in memory would drift with every node restart and every room another node opens.
/// </summary>
internal sealed partial class ActiveRoomsReporter(RoomRepository rooms, DistanceMetrics metrics, ILogger<ActiveRoomsReporter> logger)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                metrics.ReportActiveRooms(await rooms.CountActiveAsync(stoppingToken));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // MariaDB down: the gauge keeps its last value and the health check reports the outage.
                LogCountFailed(error.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Counting active rooms failed ({Error})")]
    private partial void LogCountFailed(string error);
}
