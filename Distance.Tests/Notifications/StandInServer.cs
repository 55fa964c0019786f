using System.Net.Http.Json;
using System.Text.Json;
using Distance.StandIns;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Distance.Tests.Notifications;

/// <summary>tools/Distance.StandIns on a free loopback port, in-process: the providers' APIs as documented, checked exactly.</summary>
public sealed class StandInServer : IAsyncDisposable
{
    private readonly WebApplication app = StandInHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
    private readonly HttpClient client = new();

    public StandInOptions Accounts => app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StandInOptions>>().Value;

    public string BaseUrl { get; private set; } = "";

    public static async Task<StandInServer> StartAsync()
    {
        var server = new StandInServer();
        await server.app.StartAsync().Within();
        server.BaseUrl = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.client.BaseAddress = new Uri(server.BaseUrl);
        return server;
    }

    /// <summary>The settings that point a node at this stand-in as <paramref name="provider"/> with the stand-in's own credentials.</summary>
    public Dictionary<string, string?> SettingsFor(string provider) => provider switch
    {
        "Solapi" => new()
        {
            ["Messaging:Sms:Provider"] = "Solapi", ["Messaging:Sms:Solapi:BaseUrl"] = BaseUrl,
            ["Messaging:Sms:Solapi:ApiKey"] = Accounts.Solapi.ApiKey, ["Messaging:Sms:Solapi:ApiSecret"] = Accounts.Solapi.ApiSecret,
            ["Messaging:Sms:Solapi:From"] = Accounts.Solapi.From,
        },
        "Twilio" => new()
        {
            ["Messaging:Sms:Provider"] = "Twilio", ["Messaging:Sms:Twilio:BaseUrl"] = BaseUrl,
            ["Messaging:Sms:Twilio:AccountSid"] = Accounts.Twilio.AccountSid, ["Messaging:Sms:Twilio:AuthToken"] = Accounts.Twilio.AuthToken,
            ["Messaging:Sms:Twilio:From"] = Accounts.Twilio.From,
        },
        "Relay" => new()
        {
            ["Messaging:Sms:Provider"] = "Relay", ["Messaging:Sms:Endpoint"] = BaseUrl + "/relay/send", ["Messaging:Sms:ApiKey"] = Accounts.Relay.ApiKey,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public async Task<JsonElement[]> ReceivedAsync(string to) =>
        (await client.GetFromJsonAsync<JsonElement[]>("/received?to=" + Uri.EscapeDataString(to)).Within())!;

    public async Task<int> AttemptsAsync(string provider) =>
        (await client.GetFromJsonAsync<JsonElement>("/attempts?provider=" + provider).Within()).GetProperty("attempts").GetInt32();

    public async Task FailNextAsync(string provider, int status, int count) =>
        (await client.PostAsync($"/faults?provider={provider}&status={status}&count={count}", null).Within()).EnsureSuccessStatusCode();

    public HttpClient Client => client;

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }
}
