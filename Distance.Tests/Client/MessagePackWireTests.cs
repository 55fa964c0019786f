using System.Text.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using Distance.Tests.Security;
using MessagePack;

namespace Distance.Tests.Client;

/// <summary>
/// MessagePack frames written and read by hand, as the JS client and mobile apps send them: maps
/// keyed in camelCase must bind (SendMessage was refused with message_invalid when they did not),
/// and every payload the server writes must carry the same camelCase keys as its JSON.
/// </summary>
[Collection(nameof(ClientCollection))]
public sealed class MessagePackWireTests(DistanceFixture fixture)
{
    private static readonly string[] MessageKeys = ["roomId", "seq", "senderId", "kind", "text", "sentAt", "clientMessageId"];
    private static readonly string[] ProfileKeys = ["memberId", "nickname", "gender", "school", "department", "mbti", "character", "tags", "hobbies"];
    private readonly RoomApi api = new(fixture);

    [Fact]
    public async Task ASendMessageWithCamelCaseKeysIsAcceptedAndAckMessageAndSyncComeBackInCamelCase()
    {
        var (a, b, roomId) = await api.PairAsync();
        await using var sender = await RawMessagePackHubConnection.ConnectAsync(fixture.NodeA, a.AccessToken);
        await using var receiver = await RawMessagePackHubConnection.ConnectAsync(fixture.NodeB, b.AccessToken);
        var id = Guid.NewGuid().ToString();

        var completion = await sender.InvokeAsync("SendMessage", 1, (ref MessagePackWriter w) =>
            RawMessagePackHubConnection.WriteMap(ref w, ("roomId", roomId), ("clientMessageId", id), ("text", "안녕 from msgpack")));

        var ack = Result(completion);
        AssertKeys(["roomId", "seq", "sentAt"], ack);
        Assert.Equal((roomId, 1L), (ack.GetProperty("roomId").GetInt64(), ack.GetProperty("seq").GetInt64()));
        var message = (await receiver.NextEventAsync("MessageReceived"))[0];
        AssertKeys(MessageKeys, message);
        Assert.Equal(("안녕 from msgpack", id, a.Id), (message.GetProperty("text").GetString(), message.GetProperty("clientMessageId").GetString(),
            message.GetProperty("senderId").GetInt64()));

        var resent = await sender.InvokeAsync("SendMessage", 1, (ref MessagePackWriter w) =>
            RawMessagePackHubConnection.WriteMap(ref w, ("roomId", roomId), ("clientMessageId", id), ("text", "안녕 from msgpack")));
        Assert.Equal(ack.GetRawText(), Result(resent).GetRawText());

        var synced = Result(await receiver.InvokeAsync("SyncRoom", 2, (ref MessagePackWriter w) =>
        {
            w.Write(roomId);
            w.Write(0);
        }));
        AssertKeys(MessageKeys, Assert.Single(synced.EnumerateArray()));
    }

    [Fact]
    public async Task RoomUpdatedAndTheProfileInsideItCarryCamelCaseKeys()
    {
        var a = await api.MemberAsync();
        var b = await api.MemberAsync("female");
        await using var receiver = await RawMessagePackHubConnection.ConnectAsync(fixture.NodeB, b.AccessToken);

        var room = await api.OpenRoomAsync(a, b);

        var summary = (await receiver.NextEventAsync("RoomUpdated"))[0];
        AssertKeys(["roomId", "status", "opponent", "lastMessage", "lastSeq", "unreadCount", "exchanges", "phoneShared", "createdAt"], summary);
        Assert.Equal(room.RoomId, summary.GetProperty("roomId").GetInt64());
        AssertKeys(ProfileKeys, summary.GetProperty("opponent"));
        AssertKeys(["code", "name"], summary.GetProperty("opponent").GetProperty("school"));
    }

    [Fact]
    public async Task PascalCaseKeysDoNotBindAsTheContractNamesThemCamelCase()
    {
        var (a, _, roomId) = await api.PairAsync();
        await using var sender = await RawMessagePackHubConnection.ConnectAsync(fixture.NodeA, a.AccessToken);

        var completion = await sender.InvokeAsync("SendMessage", 1, (ref MessagePackWriter w) =>
            RawMessagePackHubConnection.WriteMap(ref w, ("RoomId", roomId), ("ClientMessageId", Guid.NewGuid().ToString()), ("Text", "hi")));

        Assert.Equal(1, completion[3].GetInt32()); // an error
        Assert.Contains(completion[4].GetString(), new[] { "message_invalid", "room_not_found" });
    }

    /// <summary>A completion [3, headers, id, kind, result]: kind 3 carries a result, 1 an error.</summary>
    private static JsonElement Result(JsonElement completion)
    {
        Assert.True(completion[3].GetInt32() == 3, "the invocation failed: " + completion.GetRawText());
        return completion[4];
    }

    private static void AssertKeys(string[] expected, JsonElement map) =>
        Assert.Equal(expected.Order(), map.EnumerateObject().Select(p => p.Name).Order());
}
