using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using Distance.Tests.Matching;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Tests.Safety;

/// <summary>Blocking (contract v2 "Blocking"), across two nodes: the blocked member cannot reach the blocker by any route or hub method.</summary>
[Collection(nameof(SafetyCollection))]
public sealed class BlockTests(DistanceFixture fixture)
{
    private readonly SafetyApi api = new(fixture);

    [Fact]
    public async Task ABlockIsIdempotentListedWithTheProfileAndLifted()
    {
        var blocker = await api.VerifiedAsync();
        var blocked = await fixture.CreateMemberAsync().Within();

        Assert.Equal(HttpStatusCode.NoContent, (await api.BlockAsync(blocker, blocked.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.BlockAsync(blocker, blocked.Id, fixture.NodeB)).StatusCode);
        using var client = api.Rooms.Client(blocker, fixture.NodeB);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/blocks").Within();
        var item = Assert.Single(list.EnumerateArray());
        Assert.Equal(blocked.Id, item.GetProperty("member").GetProperty("memberId").GetInt64());
        Assert.True(item.GetProperty("blockedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/blocks/{blocked.Id}").Within()).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/blocks/{blocked.Id}").Within()).StatusCode);
        Assert.Equal("[]", await client.GetStringAsync("/api/blocks").Within());
    }

    [Fact]
    public async Task BadBlocksAreRefused()
    {
        var blocker = await api.VerifiedAsync();
        using var client = api.Rooms.Client(blocker);

        foreach (var body in new object[] { new { }, new { memberId = 0 }, new { memberId = blocker.Id }, new { memberId = "x" } })
            await (await client.PostAsJsonAsync("/api/blocks", body).Within()).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await api.BlockAsync(blocker, 999_999_999)).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        await (await api.BlockAsync(blocker with { AccessToken = "forged" }, 1)).AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Fact]
    public async Task TheBlockedMemberCannotReachTheBlockerByAnyRouteOrHubMethod()
    {
        var blocker = await api.VerifiedAsync("female");
        var blocked = await api.VerifiedAsync("male");
        var room = await api.Rooms.OpenRoomAsync(blocked, blocker);
        await using var blockedHub = await ChatTestClient.ConnectAsync(fixture.NodeB, blocked);
        await blockedHub.SendAsync(room.RoomId, "hi");
        // A pending request the other way, too: the blocker is full, so the blocked member's next try would wait in her inbox.
        await fixture.ExecuteAsync("INSERT INTO room_requests (from_member_id, to_member_id, created_at) VALUES (@From, @To, UTC_TIMESTAMP(3))",
            new { From = blocked.Id, To = blocker.Id });

        Assert.Equal(HttpStatusCode.NoContent, (await api.BlockAsync(blocker, blocked.Id)).StatusCode);

        // The shared room closed as if the blocker had left: the other hears it live on node B.
        var left = await blockedHub.NextMessageAsync(room.RoomId);
        while (left.Kind != "system")
            left = await blockedHub.NextMessageAsync(room.RoomId);
        Assert.Equal(("system", true), (left.Kind, left.Text.EndsWith(" left", StringComparison.Ordinal)));
        Assert.Equal("inactive", (await blockedHub.NextRoomUpdateAsync(room.RoomId)).Status);
        Assert.DoesNotContain(await api.Rooms.RoomsAsync(blocker), r => r.RoomId == room.RoomId);
        Assert.Equal(0, await fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM room_requests WHERE from_member_id IN @Ids AND to_member_id IN @Ids", new { Ids = new[] { blocker.Id, blocked.Id } }));

        // Every way back is shut, on both nodes.
        foreach (var node in new[] { fixture.NodeA, fixture.NodeB })
        {
            using var client = api.Rooms.Client(blocked, node);
            await (await client.PostAsJsonAsync("/api/rooms", new { memberId = blocker.Id }).Within()).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
            await (await client.GetAsync($"/api/members/{blocker.Id}").Within()).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
            await (await client.PostAsJsonAsync("/api/blocks", new { memberId = blocker.Id }).Within()).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
            using var blockerClient = api.Rooms.Client(blocker, node);
            await (await blockerClient.PostAsJsonAsync("/api/rooms", new { memberId = blocked.Id }).Within()).AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        }
        var refused = await Assert.ThrowsAsync<HubException>(() => blockedHub.SendAsync(room.RoomId, "are you there?"));
        Assert.Contains(refused.Message, new[] { "room_inactive", "room_not_found" });
        // The blocker still sees the blocked member's profile (in her block list, for one).
        Assert.Equal(HttpStatusCode.OK, (await api.Rooms.GetAsync(blocker, $"/api/members/{blocked.Id}")).StatusCode);
    }

    [Fact]
    public async Task AcceptingARequestAcrossABlockIsMemberNotFound()
    {
        var receiver = await api.VerifiedAsync("female");
        var sender = await api.VerifiedAsync("male");
        var requestId = await api.Rooms.ScalarAsync(
            "INSERT INTO room_requests (from_member_id, to_member_id, created_at) VALUES (@From, @To, UTC_TIMESTAMP(3)); SELECT LAST_INSERT_ID();",
            new { From = sender.Id, To = receiver.Id });
        // The block is placed by the sender, and straight in the table: a race with the request's delivery.
        await fixture.ExecuteAsync("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (@A, @B, UTC_TIMESTAMP(3))", new { A = sender.Id, B = receiver.Id });

        var accepted = await api.Rooms.PostAsync(receiver, $"/api/requests/{requestId}/accept");

        await accepted.AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        Assert.Empty(await api.Rooms.RoomsAsync(receiver));
    }

    [Fact]
    public async Task BlockedMembersAreNeverMatchedEitherWay()
    {
        var scene = new MatchingScene(fixture);
        var caller = await scene.MemberAsync(0, "male");
        var blockedByCaller = await scene.MemberAsync(100);
        var blockerOfCaller = await scene.MemberAsync(200);
        var stranger = await scene.MemberAsync(300);
        await fixture.ExecuteAsync("""
            INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (@C, @A, UTC_TIMESTAMP(3)), (@B, @C, UTC_TIMESTAMP(3))
            """, new { C = caller.Id, A = blockedByCaller.Id, B = blockerOfCaller.Id });

        Assert.Equal([stranger.Id], await scene.MatchIdsAsync(caller, "?count=20"));
        Assert.DoesNotContain(caller.Id, await scene.MatchIdsAsync(blockedByCaller, "?count=20"));
        Assert.DoesNotContain(caller.Id, await scene.MatchIdsAsync(blockerOfCaller, "?count=20"));
    }
}
