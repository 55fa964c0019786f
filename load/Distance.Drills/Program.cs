using Distance.Drills;

// Fault-drill driver for scripts/drills/*.sh: prints its checks and a last line
// "PASS <drill> …figures…" or "FAIL <drill> …", and exits non-zero on failure.
DrillOptions options;
try
{
    options = DrillOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

// A hard bound on the whole run, whatever happens to the cluster.
using var hard = new CancellationTokenSource(options.Duration + options.Grace + TimeSpan.FromMinutes(4));
try
{
    if (options.Drill == "slow-consumer")
        return await SlowConsumerDrill.RunAsync(options, hard.Token);
    if (options.Drill is "mariadb-replica-kill" or "replication-stop")
        return await ReadDrill.RunAsync(options, hard.Token);

    Action<ChatRun, Verdict> judge = options.Drill switch
    {
        "kill-node" => FaultVerdicts.KillNode,
        "redis-restart" => FaultVerdicts.RedisRestart,
        "mariadb-outage" => FaultVerdicts.MariaDbOutage,
        "sigterm" => FaultVerdicts.Sigterm,
        "redis-failover" => FaultVerdicts.RedisFailover,
        _ => throw new ArgumentException($"unknown drill '{options.Drill}'"),
    };
    var run = await ChatDrill.RunAsync(options, hard.Token);
    var verdict = new Verdict(options.Drill);
    judge(run, verdict);
    ChatVerdicts.Common(run, verdict);
    return verdict.Print();
}
catch (Exception exception)
{
    Console.WriteLine($"FAIL {options.Drill} the drill could not run: {exception.GetType().Name}: {exception.Message}");
    return 1;
}
