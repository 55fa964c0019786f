using Distance.Data.Database;
using Distance.Realtime.Accounts;
using Distance.Realtime.Auth;
using Distance.Realtime.Chat;
using Distance.Realtime.Errors;
using Distance.Realtime.Infrastructure;
using Distance.Realtime.Matching;
using Distance.Realtime.Members;
using Distance.Realtime.Messaging;
using Distance.Realtime.Observability;
using Distance.Realtime.RateLimiting;
using Distance.Realtime.Realtime;
using Distance.Realtime.Safety;
using Distance.Realtime.Rooms;
using Distance.Realtime.StudentVerification;
using Distance.Realtime.WebClient;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddDistanceProblemDetails();
builder.Services.AddDistanceData();
builder.Services.AddDistanceRedis();
builder.Services.AddDistanceObservability();
builder.Services.AddDistanceAuth(builder.Environment);
builder.Services.AddDistanceRealtime(builder.Configuration);
builder.Services.AddDistanceRateLimiting();
builder.Services.AddMessaging(builder.Environment);
builder.Services.AddAccounts();
builder.Services.AddStudentVerification();
builder.Services.AddMembers();
builder.Services.AddSafety();
builder.Services.AddChat();
builder.Services.AddRooms();
builder.Services.AddMatching();
builder.Services.AddWebClient();
builder.Services.AddSecretChecks(builder.Environment);

var app = builder.Build();
app.ValidateConfiguration();

app.UseDistanceProblemDetails();
app.UseDistanceRealtime();
app.UseAuthentication();
app.UseAuthorization();
app.UseDistanceRateLimiting();

app.MapDistanceObservability();
app.MapDistanceRealtime();
app.MapMessaging();
app.MapAccounts();
app.MapStudentVerification();
app.MapMembers();
app.MapSafety();
app.MapRooms();
app.MapMatching();
app.MapWebClient();

await app.MigrateDatabaseAsync();
await app.RunAsync();

/// <summary>Entry point; public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
