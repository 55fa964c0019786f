using Distance.Baseline;
using StackExchange.Redis;

// The baseline of the chat benchmark (docs/benchmarks.md): what SignalR and its Redis backplane
// deliver on this machine with no auth, storage or checks. Same client contract as /hubs/chat's
// SendMessage and MessageReceived, so the load driver measures both with one code path. With a
// MariaDB connection string (MariaDb=...) it also serves the I/O floor of a request (IoFloor.cs),
// and with MixMembers=N (a festival-seeded database) the I/O floor of the festival mix (MixFloor.cs),
// with MixReadModel=true also from its Redis read model.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var redisConfiguration = builder.Configuration["Redis"] ?? "127.0.0.1:6380";
builder.Services.AddSignalR().AddStackExchangeRedis(redisConfiguration, redis =>
    redis.Configuration.ChannelPrefix = RedisChannel.Literal(builder.Configuration["ChannelPrefix"] ?? "load-baseline:"));
var app = builder.Build();
app.MapHub<EchoHub>("/hubs/echo");
app.MapGet("/health", () => "ok");
await app.MapIoFloorAsync(redisConfiguration, builder.Configuration["MariaDb"], builder.Configuration.GetValue<int?>("MixMembers"),
    builder.Configuration.GetValue<bool>("MixReadModel"), builder.Configuration["KeyPrefix"] ?? "floor-baseline:");
await app.RunAsync();
