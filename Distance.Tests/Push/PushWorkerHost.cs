using Distance.Push;
using Distance.Push.Delivery;
using Distance.Push.StandIns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distance.Tests.Push;

/// <summary>A push worker in the test process: the same services as the Distance.Push process, no HTTP.</summary>
public sealed class PushWorkerHost : IAsyncDisposable
{
    private readonly IHost host;

    private PushWorkerHost(IHost host) => this.host = host;

    public T Service<T>() where T : notnull => host.Services.GetRequiredService<T>();

    /// <param name="standIns">Routes the worker's Web Push requests to these stand-ins.</param>
    public static async Task<PushWorkerHost> StartAsync(IReadOnlyDictionary<string, string?> settings, PushStandIns standIns)
    {
        // Development, as `cluster.sh` runs workers: the host then validates every registration at build.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPushWorker();
        builder.Services.AddHttpClient<WebPushSender>().ConfigurePrimaryHttpMessageHandler(standIns.RouteToStandIn);
        var host = builder.Build();
        await host.StartAsync();
        return new PushWorkerHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }
}
