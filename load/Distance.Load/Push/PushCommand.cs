using System.Diagnostics;
using System.Globalization;
using Distance.Data.Push;
using Distance.Load.Common;
using Distance.Push;
using Distance.Push.StandIns;
using StackExchange.Redis;

namespace Distance.Load.Push;

/// <summary>
/// How fast one push worker drains a backlog: N records queued on distance:push (half FCM, half Web
/// Push unless told), the providers' stand-ins in this process, one Distance.Push process. The
/// records are queued first and hidden from the consumer group (created at their end); once the
/// worker is up and idle, XGROUP SETID 0 hands it all of them at once, and the clock and the
/// worker's CPU time (/proc) run until the stream is empty (the worker deletes what it settles).
/// </summary>
public static class PushCommand
{
    public const string Help = """
          --records N            push records to drain (default 50000)
          --webpush-share F      share of Web Push records, the rest FCM (default 0.5)
          --worker PATH          Distance.Push.dll (default Distance.Push/bin/Release/net10.0 of the repository)
          --redis HOST:PORT      (default 127.0.0.1:6380)    --prefix P   key prefix (default pushbench:)
          --connection CS        MariaDB the worker's readiness opens (default the local server, database distance_push_bench)
          --concurrency C        the worker's Push:Worker:Concurrency (default 32)
          --batch B              the worker's Push:Worker:BatchSize (default 200)
        """;

    private const string Group = "push-workers";

    public static async Task<int> RunAsync(Arguments args)
    {
        var records = args.Integer("records", 50_000);
        var webPushShare = args.Number("webpush-share", 0.5);
        var prefix = args.String("prefix", "pushbench:");
        var redisAddress = args.String("redis", "127.0.0.1:6380");
        var workerDll = args.String("worker", Path.Combine(RepoFiles.Root(), "Distance.Push", "bin", "Release", "net10.0", "Distance.Push.dll"));
        if (!File.Exists(workerDll))
            throw new ArgumentException($"{workerDll} is missing: dotnet build Distance.Push -c Release");

        await using var standIns = await PushStandIns.StartAsync();
        var vapid = VapidKeys.Generate();
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
        var db = redis.GetDatabase();
        var stream = prefix + PushRecord.StreamKey;
        await db.KeyDeleteAsync([stream, prefix + PushRecord.DeadStreamKey]);

        // Records first, then the group at their end: the worker starts with nothing to read.
        var queued = Stopwatch.StartNew();
        await QueueAsync(db, stream, PushRecords.Build(records, webPushShare, standIns.WebPush, vapid.PublicKey));
        await db.StreamCreateConsumerGroupAsync(stream, Group, StreamPosition.NewMessages);
        Console.WriteLine($"queued {records} records ({await db.StreamLengthAsync(stream)} on the stream) in {queued.Elapsed.TotalSeconds:F1} s");

        await using var worker = await WorkerProcess.StartAsync(workerDll, new Dictionary<string, string>
        {
            ["Redis__ConnectionString"] = redisAddress,
            ["Redis__KeyPrefix"] = prefix,
            ["Database__ConnectionString"] = args.String("connection", "Server=127.0.0.1;Port=3307;User ID=root;Database=distance_push_bench"),
            ["Push__Fcm__ServiceAccountJson"] = standIns.Fcm.ServiceAccountJson(),
            ["Push__Fcm__Endpoint"] = standIns.BaseAddress.ToString(),
            ["Push__WebPush__PublicKey"] = vapid.PublicKey,
            ["Push__WebPush__PrivateKey"] = vapid.PrivateKey,
            ["Push__Worker__Concurrency"] = args.Integer("concurrency", 32).ToString(CultureInfo.InvariantCulture),
            ["Push__Worker__BatchSize"] = args.Integer("batch", 200).ToString(CultureInfo.InvariantCulture),
            // Web Push subscriptions point at the stand-in's own origin (real push services are on
            // 443): the worker reaches it as a plain HTTP proxy, the stores and FCM directly.
            ["HTTP_PROXY"] = standIns.BaseAddress.ToString(),
            ["NO_PROXY"] = "127.0.0.1,localhost",
        });
        await Task.Delay(TimeSpan.FromSeconds(2)); // idle: start-up work done

        var cpu = CpuTimes.Start([worker.ProcessId]);
        var workerCpuBefore = CpuTimes.Read(worker.ProcessId) ?? 0;
        var clock = Stopwatch.StartNew();
        await db.ExecuteAsync("XGROUP", "SETID", stream, Group, "0");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15);
        while (await db.StreamLengthAsync(stream) > 0)
        {
            if (DateTime.UtcNow > deadline || worker.HasExited)
            {
                Console.Error.WriteLine($"the stream still holds {await db.StreamLengthAsync(stream)} records{Environment.NewLine}{worker.RecentOutput()}");
                return 1;
            }
            await Task.Delay(20);
        }
        clock.Stop();
        cpu.Stop();
        var workerCpu = (CpuTimes.Read(worker.ProcessId) ?? 0) - workerCpuBefore;

        var fcm = standIns.Fcm.Deliveries.Count;
        var webPush = standIns.WebPush.Deliveries.Count;
        var dead = await db.StreamLengthAsync(prefix + PushRecord.DeadStreamKey);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drained {records} records in {clock.Elapsed.TotalSeconds:F1} s = {records / clock.Elapsed.TotalSeconds:F0} records/s; delivered FCM {fcm}, Web Push {webPush}; dead-lettered {dead}; stand-in refusals {standIns.Rejections.Count}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worker CPU {workerCpu:F1} s = {1000 * workerCpu / records:F2} ms per record = {records / Math.Max(0.01, workerCpu):F0} records per CPU-second"));
        Console.WriteLine(cpu.Report(clock.Elapsed, records) + " (dotnet = the worker; the driver hosts both stand-ins)");
        await db.KeyDeleteAsync([stream, prefix + PushRecord.DeadStreamKey]);
        return fcm + webPush + dead == records && standIns.Rejections.Count == 0 ? 0 : 1;
    }

    /// <summary>XADD in pipelined chunks, as the relays of many nodes would.</summary>
    private static async Task QueueAsync(IDatabase db, string stream, IEnumerable<PushRecord> records)
    {
        foreach (var chunk in records.Chunk(1000))
            await Task.WhenAll(chunk.Select(r => db.StreamAddAsync(stream, r.ToFields().Select(f => new NameValueEntry(f.Key, f.Value)).ToArray())));
    }
}
