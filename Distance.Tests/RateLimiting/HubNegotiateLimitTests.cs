using System.Net;
using System.Net.Http.Headers;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.RateLimiting;

/// <summary>
/// Issue #21: negotiate carried a made-up <c>?id=</c> past the limiter, so one account could open
/// connections without bound. Every connection attempt now counts, whatever its query.
/// </summary>
[Collection(nameof(ProtectionCollection))]
public sealed class HubNegotiateLimitTests(ProtectionFixture fixture)
{
    private DistanceFixture Distance => fixture.Distance;

    private HttpClient Client(DistanceNode node, TestMember member)
    {
        var client = node.CreateClientFrom();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.AccessToken);
        return client;
    }

    [Fact]
    public async Task NegotiateIsLimitedAcrossNodesEvenWithAMadeUpId()
    {
        var member = await Distance.CreateMemberAsync().Within();
        using var onA = Client(Distance.NodeA, member);
        using var onB = Client(Distance.NodeB, member);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < ProtectionFixture.MemberLimit + 2; i++)
            statuses.Add((await (i % 2 == 0 ? onA : onB).PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&id=made-up-{i}", null).Within()).StatusCode);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, ProtectionFixture.MemberLimit), statuses.Take(ProtectionFixture.MemberLimit));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(ProtectionFixture.MemberLimit));
    }

    [Fact]
    public async Task ATransportRequestWithAMadeUpIdIsCounted()
    {
        var member = await Distance.CreateMemberAsync().Within();
        using var client = Client(Distance.NodeA, member);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < ProtectionFixture.MemberLimit + 1; i++)
            statuses.Add((await client.GetAsync($"/hubs/chat?id=made-up-{Guid.NewGuid():N}").Within()).StatusCode);

        Assert.DoesNotContain(HttpStatusCode.OK, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
