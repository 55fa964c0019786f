using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Distance.StandIns;

/// <summary>
/// Builds the stand-ins' web app: the providers' send endpoints plus a small control surface for
/// tests and the rehearsal — <c>GET /received?to=…</c> (what was accepted), <c>POST
/// /faults?provider=…&amp;status=…&amp;count=…</c> (the next requests fail), <c>POST /reset</c> and
/// <c>GET /health</c>. Listens where <c>--urls</c> says (loopback only: it holds no real secret and
/// serves plain http).
/// </summary>
public static class StandInHost
{
    public static WebApplication Build(string[] args, Action<StandInOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddOptions<StandInOptions>().BindConfiguration(StandInOptions.Section)
            .Configure(o => configure?.Invoke(o));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReceivedMessages>();
        builder.Services.AddSingleton<SolapiEndpoint>();
        builder.Services.AddSingleton<TwilioEndpoint>();
        builder.Services.AddSingleton<RelayEndpoint>();
        var app = builder.Build();
        if (app.Urls.Count == 0 && string.IsNullOrEmpty(app.Configuration["urls"]))
            app.Urls.Add("http://127.0.0.1:5990");

        app.MapPost("/messages/v4/send", (HttpRequest request, SolapiEndpoint solapi) => solapi.SendAsync(request));
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json",
            (string accountSid, HttpRequest request, TwilioEndpoint twilio) => twilio.SendAsync(accountSid, request));
        app.MapPost("/relay/send", (HttpRequest request, RelayEndpoint relay) => relay.SendAsync(request));

        app.MapGet("/received", (string? to, ReceivedMessages received) => Results.Json(received.For(to)));
        app.MapGet("/attempts", (string provider, ReceivedMessages received) => Results.Json(new { provider, attempts = received.AttemptsOf(provider) }));
        app.MapPost("/faults", (string provider, int status, int? count, ReceivedMessages received) =>
        {
            received.PlanFault(provider, status, count ?? 1);
            return Results.NoContent();
        });
        app.MapPost("/reset", (ReceivedMessages received) =>
        {
            received.Reset();
            return Results.NoContent();
        });
        app.MapGet("/health", (IOptions<StandInOptions> _) => Results.Ok(new { status = "ok" }));
        return app;
    }
}
