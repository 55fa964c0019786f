using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;

namespace Distance.Tests.Security;

/// <summary>
/// A hub client that speaks SignalR's JSON protocol by hand over the test server's WebSocket, so a
/// test can send any frame at all: malformed JSON, invalid UTF-8, oversized frames, unknown
/// message types and methods, arguments of any shape.
/// </summary>
public sealed class RawHubConnection : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly WebSocket socket;
    private readonly StringBuilder pending = new();
    private int invocationId;

    private RawHubConnection(WebSocket socket) => this.socket = socket;

    /// <summary>Connects (WebSockets, skipping negotiation, token in the header) and completes the JSON handshake.</summary>
    public static async Task<RawHubConnection> ConnectAsync(DistanceNode node, string accessToken)
    {
        var client = node.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + accessToken;
        var socket = await client.ConnectAsync(new Uri("ws://localhost/hubs/chat"), CancellationToken.None).Within();
        var connection = new RawHubConnection(socket);
        await connection.SendAsync("{\"protocol\":\"json\",\"version\":1}" + Separator);
        var handshake = await connection.ReceiveRecordAsync();
        Assert.Equal("{}", handshake);
        return connection;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] frame) =>
        await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).Within();

    /// <summary>Invokes <paramref name="target"/> with a raw JSON arguments array; returns the completion's error, or null with the result.</summary>
    public async Task<(string? Error, JsonElement? Result)> InvokeRawAsync(string target, string argumentsJson)
    {
        var id = (++invocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":{JsonSerializer.Serialize(target)},\"arguments\":{argumentsJson}}}{Separator}");
        return await CompletionAsync(id);
    }

    /// <summary>Waits for the completion of invocation <paramref name="id"/>, skipping pings and other messages.</summary>
    public async Task<(string? Error, JsonElement? Result)> CompletionAsync(string id)
    {
        while (true)
        {
            var record = await ReceiveRecordAsync() ?? throw new InvalidOperationException("The server closed the connection instead of answering.");
            using var message = JsonDocument.Parse(record);
            var root = message.RootElement;
            if (root.GetProperty("type").GetInt32() == 7)
                throw new InvalidOperationException("The server closed the connection: " + record);
            if (root.GetProperty("type").GetInt32() != 3 || root.GetProperty("invocationId").GetString() != id)
                continue;
            return root.TryGetProperty("error", out var error)
                ? (error.GetString(), null)
                : (null, root.TryGetProperty("result", out var result) ? result.Clone() : null);
        }
    }

    /// <summary>What followed a frame: whether the server closed the connection, answered <paramref name="probeId"/>, and every completion error seen.</summary>
    public async Task<(bool Closed, bool ProbeAnswered, IReadOnlyList<string> Errors)> OutcomeAsync(string probeId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var errors = new List<string>();
        try
        {
            while (true)
            {
                var record = await ReceiveRecordAsync(cts.Token);
                if (record is null)
                    return (true, false, errors);
                using var message = JsonDocument.Parse(record);
                var root = message.RootElement;
                var type = root.GetProperty("type").GetInt32();
                if (type == 7)
                    return (true, false, errors);
                if (type == 3 && root.TryGetProperty("error", out var error))
                    errors.Add(error.GetString()!);
                if (type == 3 && root.GetProperty("invocationId").GetString() == probeId)
                    return (false, true, errors);
            }
        }
        catch (OperationCanceledException)
        {
            return (false, false, errors);
        }
        catch (WebSocketException)
        {
            return (true, false, errors);
        }
    }

    /// <summary>Reads until the server closes the connection (a close message or the socket closing); false if it stays open past the timeout.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var record = await ReceiveRecordAsync(cts.Token);
                if (record is null || JsonDocument.Parse(record).RootElement.GetProperty("type").GetInt32() == 7)
                    return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (WebSocketException)
        {
            return true;
        }
    }

    /// <summary>The next JSON record (without its separator), or null when the socket closed.</summary>
    public async Task<string?> ReceiveRecordAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Eventually.Timeout);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var text = pending.ToString();
            var end = text.IndexOf(Separator, StringComparison.Ordinal);
            if (end >= 0)
            {
                pending.Remove(0, end + 1);
                return text[..end];
            }
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close)
                return null;
            pending.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
    }

    public ValueTask DisposeAsync() => socket.CloseQuietlyAsync();
}
