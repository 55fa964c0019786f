using Distance.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Load.Connections;

/// <summary>One idle member connection of the storm, by whichever client opens it.</summary>
public interface IIdleConnection : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    bool IsConnected { get; }
}

/// <summary>The reference client (a full SignalR HubConnection): what an app would run.</summary>
public sealed class ClientIdleConnection(ChatClient client) : IIdleConnection
{
    public Task StartAsync(CancellationToken cancellationToken) => client.StartAsync(cancellationToken);

    public bool IsConnected => client.Connection.State == HubConnectionState.Connected;

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
