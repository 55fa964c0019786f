using Distance.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distance.Tests.Security;

/// <summary>
/// A <see cref="DistanceFixture"/> whose nodes also hand their log entries to <see cref="Logs"/>,
/// so the hostile-input tests can require that nothing was logged as an error.
/// </summary>
/// <remarks>
/// SignalR's own per-invocation error log stays off (appsettings.json), as in production: the
/// hub's unexpected failures are logged by ChatHubFilter, which these tests do see.
/// </remarks>
public sealed class SecurityFixture : IAsyncLifetime
{
    public SecurityFixture()
    {
        Distance.NodeServices.Add(services => services.AddSingleton<ILoggerProvider>(Logs));
        // Information too, so a test can show the capture sees the node's own logs (a capture that
        // sees nothing would pass every "no error logged" check).
        Distance.Settings["Logging:LogLevel:Default"] = "Information";
    }

    public DistanceFixture Distance { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public Task InitializeAsync() => Distance.InitializeAsync();

    public Task DisposeAsync() => Distance.DisposeAsync();
}

[CollectionDefinition(nameof(SecurityCollection))]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>;
