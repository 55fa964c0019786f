using Distance.Data.Database;
using Distance.Realtime.ApiReference;
using Distance.Realtime.Chat;
using Distance.Realtime.Connections;
using Distance.Realtime.Errors;
using Distance.Realtime.Hosting;
using Distance.Realtime.Identity;
using Distance.Realtime.Matching;
using Distance.Realtime.Members;
using Distance.Realtime.Notifications;
using Distance.Realtime.Observability;
using Distance.Realtime.Push;
using Distance.Realtime.RateLimiting;
using Distance.Realtime.Redis;
using Distance.Realtime.Rooms;
using Distance.Realtime.Safety;
using Distance.Realtime.StudentVerification;
using Distance.Realtime.WebClient;

// The container's health check runs the image's own binary (it has no curl): answer and leave.
if (HealthProbe.IsRequested(args))
    return await HealthProbe.RunAsync();

// Features in their order, bottom to top (docs/architecture.md): each depends only on those above it in this list.
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddErrors();
builder.Services.AddDistanceData();
builder.Services.AddRedis();
builder.Services.AddObservability();
builder.Services.AddRateLimiting();
builder.Services.AddConnections(builder.Configuration);
builder.Services.AddNotifications(builder.Environment);
builder.Services.AddIdentity(builder.Environment);
builder.Services.AddPush();
builder.Services.AddMembers();
builder.Services.AddStudentVerification();
builder.Services.AddSafety();
builder.Services.AddMatching();
builder.Services.AddRooms();
builder.Services.AddChat();
builder.Services.AddWebClient();
builder.Services.AddApiReference();
builder.Services.AddSecretChecks(builder.Environment);
builder.Services.AddCrossOrigin();
builder.Services.AddKestrelLimits(builder.Configuration);

var app = builder.Build();
app.ValidateConfiguration();

app.UseErrors();
app.UseCrossOrigin();
app.UseConnections();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiting();

app.MapObservability();
app.MapNotifications();
app.MapIdentity();
app.MapPush();
app.MapMembers();
app.MapStudentVerification();
app.MapSafety();
app.MapMatching();
app.MapRooms();
app.MapChat();
app.MapWebClient();
app.MapApiReference();

await app.MigrateDatabaseAsync();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
