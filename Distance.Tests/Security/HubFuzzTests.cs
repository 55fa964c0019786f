using System.Text;
using Distance.Realtime.Chat;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.Security;

/// <summary>
/// Hostile hub traffic, sent as raw frames: every invocation must complete with a contract code
/// (or a result), frames that are not SignalR at all must get the connection closed, and the node
/// must log no error and keep serving.
/// </summary>
[Collection(nameof(SecurityCollection))]
public sealed class HubFuzzTests(SecurityFixture fixture)
{
    private static readonly HashSet<string> HubCodes = ["message_invalid", "room_not_found", "room_inactive", "rate_limited", "unavailable"];
    private readonly RoomApi api = new(fixture.Distance);

    [Fact]
    public async Task EveryHostileInvocationCompletesWithExactlyAContractCode()
    {
        var (member, _, roomId) = await api.PairAsync();
        var (_, _, othersRoom) = await api.PairAsync();
        string Send(object roomIdValue, string clientMessageId, string text) =>
            $"[{{\"roomId\":{roomIdValue},\"clientMessageId\":\"{clientMessageId}\",\"text\":{System.Text.Json.JsonSerializer.Serialize(text)}}}]";
        var id = Guid.NewGuid().ToString();
        var cases = new (string Target, string Arguments, string? Expected)[]
        {
            ("SendMessage", "[]", "message_invalid"),
            ("SendMessage", "[null]", "message_invalid"),
            ("SendMessage", "[\"text\"]", "message_invalid"),
            ("SendMessage", "[123]", "message_invalid"),
            ("SendMessage", "[[]]", "message_invalid"),
            ("SendMessage", "[{},{}]", "message_invalid"),
            ("SendMessage", "[{\"roomId\":\"x\"}]", "message_invalid"),
            ("SendMessage", "[{\"roomId\":\"NaN\"}]", "message_invalid"),
            ("SendMessage", "[{\"roomId\":1e400}]", "message_invalid"),
            ("SendMessage", "[{\"roomId\":99999999999999999999}]", "message_invalid"),
            ("SendMessage", Send(-1, id, "hi"), "room_not_found"),
            ("SendMessage", Send(0, id, "hi"), "room_not_found"),
            ("SendMessage", Send(long.MaxValue, id, "hi"), "room_not_found"),
            ("SendMessage", Send(othersRoom, id, "hi"), "room_not_found"),
            ("SendMessage", Send(roomId, "not-a-uuid", "hi"), "message_invalid"),
            ("SendMessage", Send(roomId, "' OR 1=1 --", "hi"), "message_invalid"),
            ("SendMessage", Send(roomId, id, ""), "message_invalid"),
            ("SendMessage", Send(roomId, id, "   "), "message_invalid"),
            ("SendMessage", Send(roomId, id, new string('x', 501)), "message_invalid"),
            ("SendMessage", Send(roomId, id, new string('가', 2000)), "message_invalid"), // 12 KB escaped: under the frame limit
            ("SendMessage", $"[{{\"roomId\":{roomId},\"clientMessageId\":\"{id}\",\"text\":\"\\ud800\"}}]", "message_invalid"),
            ("SyncRoom", "[]", "message_invalid"),
            ("SyncRoom", "[\"a\",\"b\"]", "message_invalid"),
            ("SyncRoom", "[1.5,0]", "message_invalid"),
            ("SyncRoom", "[\"NaN\",0]", "message_invalid"),
            ("SyncRoom", "[99999999999999999999,0]", "message_invalid"),
            ("SyncRoom", $"[{roomId},-5]", "message_invalid"),
            ("SyncRoom", "[-1,0]", "room_not_found"),
            ("SyncRoom", $"[{othersRoom},0]", "room_not_found"),
            ("SyncRoom", $"[{long.MaxValue},{long.MaxValue}]", "room_not_found"),
            ("SyncRoom", $"[{roomId},0,1]", "message_invalid"),
            ("MarkRead", "[]", "message_invalid"),
            ("MarkRead", $"[{roomId},\"x\"]", "message_invalid"),
            ("MarkRead", $"[{roomId},-1]", "message_invalid"),
            ("MarkRead", $"[{othersRoom},1]", "room_not_found"),
            ("MarkRead", $"[{roomId},{long.MaxValue}]", null),
            ("DropTables", "[]", "message_invalid"),
            ("OnConnectedAsync", "[]", "message_invalid"),
            ("Dispose", "[]", "message_invalid"),
            ("", "[]", "message_invalid"),
            (new string('M', 10_000), "[]", "message_invalid"),
        };

        var hub = await RawHubConnection.ConnectAsync(fixture.Distance.NodeA, member.AccessToken);
        var wrong = new List<string>();
        foreach (var (target, arguments, expected) in cases)
        {
            string? error;
            try
            {
                (error, _) = await hub.InvokeRawAsync(target, arguments);
            }
            catch (InvalidOperationException closed)
            {
                // A well-formed invocation must be answered, not cost the client its connection.
                wrong.Add($"{HostileValues.Describe(target)}({HostileValues.Describe(arguments)}) → {closed.Message}");
                await hub.DisposeAsync();
                hub = await RawHubConnection.ConnectAsync(fixture.Distance.NodeA, member.AccessToken);
                continue;
            }
            if (error is not null && !HubCodes.Contains(error) || expected is not null && error != expected || expected is null && error is not null)
                wrong.Add($"{HostileValues.Describe(target)}({HostileValues.Describe(arguments)}) → {error ?? "ok"}, expected {expected ?? "ok"}");
        }

        // A streaming invocation of a plain method, and one for an unknown method.
        await hub.SendAsync($"{{\"type\":4,\"invocationId\":\"s1\",\"target\":\"SyncRoom\",\"arguments\":[{roomId},0]}}\u001e");
        await hub.SendAsync("{\"type\":4,\"invocationId\":\"s2\",\"target\":\"Nope\",\"arguments\":[]}\u001e");
        foreach (var streamId in new[] { "s1", "s2" })
            if ((await hub.CompletionAsync(streamId)).Error is not "message_invalid" and var error)
                wrong.Add($"stream invocation {streamId} → {error ?? "ok"}");

        await hub.DisposeAsync();
        Assert.Empty(wrong);
        Assert.Empty(fixture.Logs.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task SqlMetacharactersInAMessageAreStoredAndReturnedAsPlainText()
    {
        var (member, _, roomId) = await api.PairAsync();
        await using var client = await ChatTestClient.ConnectAsync(fixture.Distance.NodeA, member);
        const string text = "'); DROP TABLE messages; -- \" OR 1=1 /* \\ %_ \u0000?";

        var ack = await client.SendAsync(roomId, text);

        var stored = Assert.Single(await client.SyncAsync(roomId, 0));
        Assert.Equal((ack.Seq, text), (stored.Seq, stored.Text));
    }

    public static TheoryData<string, byte[]> BrokenFrames => new()
    {
        { "malformed JSON", "{\"type\":1,\"target\":"u8.ToArray().Append((byte)0x1e).ToArray() },
        { "invalid UTF-8", [.. "{\"type\":1,\"invocationId\":\"1\",\"target\":\"SyncRoom\",\"arguments\":[\""u8, 0xC3, 0x28, .. "\"]}"u8, 0x1e] },
        { "a NaN literal", "{\"type\":1,\"invocationId\":\"1\",\"target\":\"SyncRoom\",\"arguments\":[NaN,0]}\u001e"u8.ToArray() },
        { "no message type", "{\"invocationId\":\"1\",\"target\":\"SyncRoom\",\"arguments\":[]}\u001e"u8.ToArray() },
        { "an unknown message type", "{\"type\":99}\u001e"u8.ToArray() },
        { "a frame over the 16 KB limit", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendMessage\",\"arguments\":[{\"text\":\"" + new string('x', 20_000) + "\"}]}\u001e") },
        { "a frame without a separator, growing past the limit", Encoding.UTF8.GetBytes(new string(' ', 40_000)) },
        { "deep nesting", Encoding.UTF8.GetBytes("{\"type\":1,\"invocationId\":\"1\",\"target\":\"SyncRoom\",\"arguments\":" + new string('[', 3_000) + "\u001e") },
    };

    [Theory]
    [MemberData(nameof(BrokenFrames))]
    public async Task AFrameThatIsNotProperSignalREitherClosesTheConnectionOrIsAnsweredWithACodeAndTheNodeCarriesOn(string what, byte[] frame)
    {
        var (member, _, roomId) = await api.PairAsync();
        await using var hub = await RawHubConnection.ConnectAsync(fixture.Distance.NodeA, member.AccessToken);

        await hub.SendAsync(frame);
        // Then a proper call: either the server closed the connection over the frame, or it answers both.
        // Sent a moment later, as a separate read: SignalR skips a message of an unknown type (forward
        // compatibility) but then waits for more bytes before parsing what followed it in the same read.
        await Task.Delay(300);
        await hub.SendAsync($"{{\"type\":1,\"invocationId\":\"probe\",\"target\":\"SyncRoom\",\"arguments\":[{roomId},0]}}\u001e");
        var outcome = await hub.OutcomeAsync("probe", TimeSpan.FromSeconds(10));

        Assert.True(outcome.Closed || outcome.ProbeAnswered, $"after {what} the server neither closed the connection nor answered");
        Assert.All(outcome.Errors, e => Assert.Contains(e, HubCodes));
        await using var again = await ChatTestClient.ConnectAsync(fixture.Distance.NodeA, member);
        Assert.Empty(await again.SyncAsync(roomId, 0));
        Assert.Empty(fixture.Logs.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task WrongArgumentTypesOverMessagePackAlsoGetAContractCode()
    {
        var (member, _, roomId) = await api.PairAsync();
        await using var connection = fixture.Distance.NodeA.CreateHubConnection(member.AccessToken, messagePack: true);
        await connection.StartAsync().Within();

        var errors = new List<string>();
        foreach (var arguments in new object?[][] { ["text"], [roomId, "x"], [1.5, 0], [], [null, null, null] })
        {
            var target = arguments.Length == 1 ? nameof(ChatHub.SendMessage) : nameof(ChatHub.SyncRoom);
            var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeCoreAsync<object>(target, arguments).Within());
            errors.Add(refused.Message);
        }

        Assert.All(errors, e => Assert.Equal("message_invalid", e));
        Assert.Empty(fixture.Logs.Errors.Select(e => e.ToString()));
    }
}
