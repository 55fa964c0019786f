using Distance.Realtime.Chat;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Infrastructure;

public static class HubConnectionExtensions
{
    /// <summary>
    /// Starts the connection and waits until the node has set it up. StartAsync returns after the
    /// handshake, before the node has subscribed the member's backplane channel and joined the
    /// rooms' groups (that is why real clients SyncRoom after connecting): a message sent in that
    /// moment reaches nobody. The node dispatches a connection's first invocation only after all
    /// of that, so one round trip (a SyncRoom that is refused) means live delivery can be asserted.
    /// </summary>
    public static async Task StartReadyAsync(this HubConnection connection)
    {
        await connection.StartAsync().Within();
        await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync(nameof(ChatHub.SyncRoom), -1L, 0L).Within());
    }
}
