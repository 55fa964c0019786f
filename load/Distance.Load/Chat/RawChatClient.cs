using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Distance.Contracts;
using Distance.Load.Common;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Load.Chat;

/// <summary>
/// A chat connection without the SignalR client (<see cref="RawWebSocket"/>), speaking the JSON
/// hub protocol itself: SendMessage invocations with their ids, completions matched back to them,
/// MessageReceived read for its sender and client message id only, pings answered. The reference
/// client spends about as much of the shared cores per message as a node does (its pipes, its
/// dispatch, a whole ChatMessage per event); this one reads each frame once in place. The
/// server's side is the same for both: the same protocol on the same socket.
/// </summary>
public sealed class RawChatClient(Uri hub, string? token) : IChatLoadClient
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> pending = new();
    // A WebSocket takes one send at a time.
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private WebSocket? socket;
    private Task loop = Task.CompletedTask;
    private long invocations;

    public event Action<long?, string?>? MessageReceived;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = this.socket = await RawWebSocket.ConnectAsync(hub, token, cancellationToken);
        loop = Task.Run(() => ReadAsync(socket));
    }

    public async Task SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        var socket = this.socket ?? throw new InvalidOperationException("not started");
        var id = Interlocked.Increment(ref invocations);
        // Completed on the read loop: the caller's continuation is a few field writes.
        var acked = new TaskCompletionSource();
        pending[id] = acked;
        try
        {
            await SendAsync(socket, Invocation(id, request), cancellationToken);
            await acked.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    private async Task SendAsync(WebSocket socket, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            sending.Release();
        }
    }

    /// <summary>{"type":1,"invocationId":"n","target":"SendMessage","arguments":[request]} and the separator.</summary>
    private static ReadOnlyMemory<byte> Invocation(long id, SendMessageRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("type"u8, 1);
            json.WriteString("invocationId"u8, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("target"u8, ChatHubNames.SendMessage);
            json.WriteStartArray("arguments"u8);
            json.WriteStartObject();
            json.WriteNumber("roomId"u8, request.RoomId);
            json.WriteString("clientMessageId"u8, request.ClientMessageId);
            json.WriteString("text"u8, request.Text);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.Write([RawWebSocket.Separator]);
        return buffer.WrittenMemory;
    }

    private async Task ReadAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        var length = 0;
        Exception? failure = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                var read = await socket.ReceiveAsync(buffer.AsMemory(length), stop.Token);
                if (read.MessageType == WebSocketMessageType.Close)
                    break;
                length += read.Count;
                // A frame may hold several records, and a record may span frames.
                var start = 0;
                int end;
                while ((end = Array.IndexOf(buffer, RawWebSocket.Separator, start, length - start)) >= 0)
                {
                    if (!Handle(socket, buffer.AsSpan(start, end - start)))
                        return;
                    start = end + 1;
                }
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, length - start);
                    length -= start;
                }
            }
        }
        catch (Exception exception) when (!stop.IsCancellationRequested)
        {
            failure = exception;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            var closed = failure ?? new WebSocketException("the hub connection closed");
            foreach (var waiting in pending.Values)
                waiting.TrySetException(closed);
        }
    }

    /// <summary>One record of the JSON hub protocol; false when the server closes the connection.</summary>
    private bool Handle(WebSocket socket, ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        reader.Read();
        int type = 0;
        long invocationId = 0;
        string? error = null;
        var isMessage = false;
        long? sender = null;
        string? clientMessageId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("invocationId"u8))
            {
                reader.Read();
                Utf8Parser.TryParse(reader.ValueSpan, out invocationId, out _);
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                isMessage = reader.ValueTextEquals(ChatHubNames.MessageReceived);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.GetString();
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                (sender, clientMessageId) = FirstArgument(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }
        switch (type)
        {
            case 1 when isMessage:
                MessageReceived?.Invoke(sender, clientMessageId);
                break;
            case 3 when pending.TryGetValue(invocationId, out var waiting):
                if (error is null)
                    waiting.TrySetResult();
                else
                    waiting.TrySetException(new HubException(error));
                break;
            case 6:
                _ = PongAsync(socket);
                break;
            case 7:
                return false;
        }
        return true;
    }

    /// <summary>From an arguments array: the first element's senderId and clientMessageId; leaves the reader on the array's end.</summary>
    private static (long? Sender, string? ClientMessageId) FirstArgument(ref Utf8JsonReader reader)
    {
        long? sender = null;
        string? clientMessageId = null;
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("senderId"u8))
                {
                    reader.Read();
                    sender = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();
                }
                else if (reader.ValueTextEquals("clientMessageId"u8))
                {
                    reader.Read();
                    clientMessageId = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        else
        {
            reader.Skip();
        }
        while (reader.TokenType != JsonTokenType.EndArray && reader.Read())
            reader.Skip();
        return (sender, clientMessageId);
    }

    /// <summary>Any message resets the server's client timeout; a ping is the cheapest.</summary>
    private async Task PongAsync(WebSocket socket)
    {
        try
        {
            await SendAsync(socket, RawWebSocket.Ping, stop.Token);
        }
        catch (Exception)
        {
            // Closing, or closed: the read loop reports it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RawWebSocket.CloseQuietlyAsync(socket);
        await stop.CancelAsync();
        await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        socket?.Dispose();
        stop.Dispose();
        sending.Dispose();
    }
}
