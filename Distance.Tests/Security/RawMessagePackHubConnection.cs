using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Distance.Tests.Infrastructure;
using MessagePack;
using Microsoft.AspNetCore.TestHost;

namespace Distance.Tests.Security;

/// <summary>
/// SignalR's MessagePack protocol written and read by hand, the way a non-.NET client (the official
/// JS client, a mobile app) puts it on the wire: argument maps keyed exactly as the test writes
/// them. A .NET client with the server's own DTOs would hide a key mismatch, because both sides
/// would agree on the wrong names. Every message read comes back as JSON for easy assertions.
/// </summary>
public sealed class RawMessagePackHubConnection : IAsyncDisposable
{
    private readonly WebSocket socket;
    private readonly List<byte> pending = [];
    private int invocationId;

    private RawMessagePackHubConnection(WebSocket socket) => this.socket = socket;

    /// <summary>Connects (WebSockets, no negotiation, token in the header) and completes the MessagePack handshake.</summary>
    public static async Task<RawMessagePackHubConnection> ConnectAsync(DistanceNode node, string accessToken)
    {
        var client = node.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + accessToken;
        var socket = await client.ConnectAsync(new Uri("ws://localhost/hubs/chat"), CancellationToken.None).Within();
        var connection = new RawMessagePackHubConnection(socket);
        // The handshake is JSON whatever the protocol, ended by the record separator 0x1E.
        await connection.SendFrameAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"messagepack\",\"version\":1}\u001e"));
        var handshake = await connection.ReceiveHandshakeAsync();
        Assert.Equal("{}", handshake);
        return connection;
    }

    /// <summary>Writes the items of an invocation's argument array.</summary>
    public delegate void ArgumentWriter(ref MessagePackWriter writer);

    /// <summary>Invokes <paramref name="target"/>; <paramref name="writeArguments"/> writes the argument array's items. Returns the completion.</summary>
    public async Task<JsonElement> InvokeAsync(string target, int argumentCount, ArgumentWriter writeArguments)
    {
        var id = (++invocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(5);
        writer.Write(1); // Invocation
        writer.WriteMapHeader(0); // headers
        writer.Write(id);
        writer.Write(target);
        writer.WriteArrayHeader(argumentCount);
        writeArguments(ref writer);
        writer.Flush();
        await SendFrameAsync(Frame(body.WrittenSpan.ToArray()));
        while (true)
        {
            var message = await NextMessageAsync();
            if (message[0].GetInt32() == 3 && message[2].GetString() == id)
                return message;
        }
    }

    /// <summary>Writes a map of string keys to integers, strings or nil.</summary>
    public static void WriteMap(ref MessagePackWriter writer, params (string Key, object? Value)[] entries)
    {
        writer.WriteMapHeader(entries.Length);
        foreach (var (key, value) in entries)
        {
            writer.Write(key);
            switch (value)
            {
                case null: writer.WriteNil(); break;
                case long number: writer.Write(number); break;
                case int number: writer.Write(number); break;
                case string text: writer.Write(text); break;
                default: throw new ArgumentException($"no writer for {value.GetType()}");
            }
        }
    }

    /// <summary>The next server invocation of <paramref name="target"/> (an event); its arguments as JSON.</summary>
    public async Task<JsonElement> NextEventAsync(string target)
    {
        while (true)
        {
            var message = await NextMessageAsync();
            if (message[0].GetInt32() == 1 && message[3].GetString() == target)
                return message[4];
        }
    }

    /// <summary>The next hub message as a JSON array (timestamps become ISO strings).</summary>
    public async Task<JsonElement> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        while (true)
        {
            if (TryTakeMessage(out var message))
                return JsonDocument.Parse(MessagePackSerializer.ConvertToJson(message)).RootElement.Clone();
            var buffer = new byte[16 * 1024];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException("The server closed the connection.");
            pending.AddRange(buffer.AsSpan(0, received.Count));
        }
    }

    /// <summary>A message is a VarInt length (7 bits a byte, low first) and then that many bytes.</summary>
    private bool TryTakeMessage(out byte[] message)
    {
        message = [];
        var (length, shift, at) = (0, 0, 0);
        while (true)
        {
            if (at >= pending.Count)
                return false;
            var b = pending[at++];
            length |= (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
                break;
        }
        if (pending.Count - at < length)
            return false;
        message = pending.GetRange(at, length).ToArray();
        pending.RemoveRange(0, at + length);
        return true;
    }

    private static byte[] Frame(byte[] body)
    {
        var prefix = new List<byte>();
        var length = body.Length;
        do
        {
            var b = (byte)(length & 0x7F);
            length >>= 7;
            prefix.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);
        return [.. prefix, .. body];
    }

    private async Task<string> ReceiveHandshakeAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        while (true)
        {
            var end = pending.IndexOf(0x1E);
            if (end >= 0)
            {
                var text = Encoding.UTF8.GetString(pending.GetRange(0, end).ToArray());
                pending.RemoveRange(0, end + 1);
                return text;
            }
            var buffer = new byte[4096];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            pending.AddRange(buffer.AsSpan(0, received.Count));
        }
    }

    private Task SendFrameAsync(byte[] frame) =>
        socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None).Within();

    public ValueTask DisposeAsync() => socket.CloseQuietlyAsync();
}
