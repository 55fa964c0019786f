using System.Net.WebSockets;

namespace Distance.Tests.Security;

/// <summary>How the raw hub connections of the security tests end.</summary>
internal static class WebSocketClosing
{
    /// <summary>Closes the socket if it is still open (2 s at most), then disposes it; one the server already dropped is fine.</summary>
    public static async ValueTask CloseQuietlyAsync(this WebSocket socket)
    {
        if (socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // already gone
            }
        }
        socket.Dispose();
    }
}
