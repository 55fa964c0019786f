using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distance.Tests.Notifications;

/// <summary>A node in the Production environment (no outbox), for the real senders' paths.</summary>
public sealed class ProductionNode(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }
}

/// <summary>An SMS provider on a loopback port that records what it was sent and can be told to fail.</summary>
public sealed class FakeSmsProvider : IAsyncDisposable
{
    private readonly WebApplication app;

    public FakeSmsProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/send", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            Received.Enqueue((request.Headers.Authorization.ToString(), body.RootElement.Clone()));
            return Fail ? Results.StatusCode(500) : Results.Ok();
        });
    }

    public ConcurrentQueue<(string Authorization, JsonElement Body)> Received { get; } = new();

    public bool Fail { get; set; }

    public string Endpoint { get; private set; } = "";

    public async Task StartAsync()
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = address + "/send";
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>
/// Just enough SMTP (greeting, EHLO, MAIL, RCPT, DATA, QUIT) on a loopback port for MailKit to
/// deliver a message without TLS or authentication; each message's raw DATA is kept.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private Task? loop;

    public ConcurrentQueue<string> Messages { get; } = new();

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Start()
    {
        listener.Start();
        loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(stop.Token); }
                catch (OperationCanceledException) { return; }
                _ = ServeAsync(client);
            }
        });
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake ESMTP");
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO":
                    await writer.WriteLineAsync("250 fake");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 go ahead");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(timeout.Token) is { } dataLine && dataLine != ".")
                        data.AppendLine(dataLine);
                    Messages.Enqueue(data.ToString());
                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        if (loop is not null)
            await loop.WaitAsync(TimeSpan.FromSeconds(5));
        stop.Dispose();
    }
}
