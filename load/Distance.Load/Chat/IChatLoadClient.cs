using Distance.Client;
using Distance.Contracts;

namespace Distance.Load.Chat;

/// <summary>One member's chat connection as the driver uses it: send and wait for the ack, hear each MessageReceived.</summary>
public interface IChatLoadClient : IAsyncDisposable
{
    /// <summary>A MessageReceived event: its sender (null for a system message) and client message id.</summary>
    event Action<long?, string?>? MessageReceived;

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Completes when the hub acks; a refusal throws a HubException whose message ends with the contract's code.</summary>
    Task SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken);
}

/// <summary>The reference client (a full SignalR HubConnection): what an app would run.</summary>
public sealed class SignalRChatLoadClient : IChatLoadClient
{
    private readonly ChatClient client;

    public SignalRChatLoadClient(ChatClient client)
    {
        this.client = client;
        client.MessageReceived += m => MessageReceived?.Invoke(m.SenderId, m.ClientMessageId);
    }

    public event Action<long?, string?>? MessageReceived;

    public Task StartAsync(CancellationToken cancellationToken) => client.StartAsync(cancellationToken);

    public Task SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken) =>
        client.SendMessageAsync(request, cancellationToken);

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
