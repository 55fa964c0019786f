using Distance.Realtime.Observability;
using Distance.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Distance.Tests.RateLimiting;

/// <summary>
/// Hub calls through a real connection and SignalR's real pipeline. ChatHub's methods live on
/// other branches, so the calls go to <see cref="ProbeHub"/>; the filter sees every hub alike.
/// </summary>
[Collection(nameof(ProtectionCollection))]
public sealed class HubRateLimitTests(ProtectionFixture fixture)
{
    private DistanceFixture Distance => fixture.Distance;

    [Fact]
    public async Task AFloodingMemberIsRefusedWhileAWellBehavedMemberIsServed()
    {
        var flooder = await Distance.CreateMemberAsync().Within();
        var calm = await Distance.CreateMemberAsync().Within();
        await using var flooding = Distance.NodeA.CreateProbeConnection(flooder.AccessToken);
        await using var wellBehaved = Distance.NodeA.CreateProbeConnection(calm.AccessToken);
        await flooding.StartAsync().Within();
        await wellBehaved.StartAsync().Within();
        using var metrics = new MetricRecorder(Distance.NodeA.Service<DistanceMetrics>().HubInvocationDuration.Meter);

        for (var i = 0; i < ProtectionFixture.EchoLimit; i++)
            Assert.Equal("hi", await flooding.InvokeAsync<string>("Echo", "hi").Within());
        var refused = await Assert.ThrowsAsync<HubException>(() => flooding.InvokeAsync<string>("Echo", "hi").Within());

        Assert.Equal("rate_limited", refused.Message); // exactly the contract code (Realtime/ContractErrorProtocol)
        Assert.Equal("calm", await wellBehaved.InvokeAsync<string>("Echo", "calm").Within());
        Assert.Equal(1, metrics.Count("distance.hub.invocation.duration", ("method", "Echo"), ("outcome", "rate_limited")));
        Assert.Equal(ProtectionFixture.EchoLimit + 1, metrics.Count("distance.hub.invocation.duration", ("method", "Echo"), ("outcome", "ok")));
        Assert.Equal(1, metrics.Sum("distance.rate_limit.rejections", ("policy", "hub:Echo")));
    }

    [Fact]
    public async Task AMembersHubLimitHoldsAcrossNodesAndPerMethod()
    {
        var member = await Distance.CreateMemberAsync().Within();
        await using var onA = Distance.NodeA.CreateProbeConnection(member.AccessToken);
        await using var onB = Distance.NodeB.CreateProbeConnection(member.AccessToken);
        await onA.StartAsync().Within();
        await onB.StartAsync().Within();

        for (var i = 0; i < ProtectionFixture.EchoLimit; i++)
            await (i % 2 == 0 ? onA : onB).InvokeAsync<string>("Echo", "x").Within();

        await Assert.ThrowsAsync<HubException>(() => onB.InvokeAsync<string>("Echo", "x").Within());
        await Assert.ThrowsAsync<HubException>(() => onA.InvokeAsync<string>("Echo", "x").Within());
        // SendMessage has a bucket (and a configured limit) of its own.
        Assert.Equal("m", await onA.InvokeAsync<string>("SendMessage", "m").Within());
    }

    [Fact]
    public async Task EveryNewHubConnectionCountsAgainstTheMembersLimitButItsTrafficDoesNot()
    {
        var member = await Distance.CreateMemberAsync().Within();
        await using var connection = Distance.NodeA.CreateProbeConnection(member.AccessToken);
        await connection.StartAsync().Within(); // negotiate: one token; the WebSocket that follows: none
        using var client = Distance.NodeB.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", member.AccessToken);

        var statuses = new List<System.Net.HttpStatusCode>();
        for (var i = 0; i < ProtectionFixture.MemberLimit; i++)
            statuses.Add((await client.GetAsync("/api/limit-probe").Within()).StatusCode);

        Assert.Equal(ProtectionFixture.MemberLimit - 1, statuses.Count(s => s == System.Net.HttpStatusCode.NotFound));
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, statuses[^1]);
        // Calls inside the open connection have buckets of their own ...
        Assert.Equal("x", await connection.InvokeAsync<string>("Echo", "x").Within());
        // ... but a new connection is refused, even one that skips negotiation.
        await using var another = Distance.NodeA.CreateProbeConnection(member.AccessToken, skipNegotiation: true);
        await Assert.ThrowsAnyAsync<Exception>(() => another.StartAsync().Within());
        Assert.NotEqual(HubConnectionState.Connected, another.State);
    }

    [Fact]
    public async Task AConnectionThatKeepsCallingWhileRefusedIsClosedAndOthersStayOpen()
    {
        var flooder = await Distance.CreateMemberAsync().Within();
        var calm = await Distance.CreateMemberAsync().Within();
        await using var flooding = Distance.NodeB.CreateProbeConnection(flooder.AccessToken);
        await using var wellBehaved = Distance.NodeB.CreateProbeConnection(calm.AccessToken);
        var closed = new TaskCompletionSource();
        flooding.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await flooding.StartAsync().Within();
        await wellBehaved.StartAsync().Within();
        using var metrics = new MetricRecorder(Distance.NodeB.Service<DistanceMetrics>().HubFloodDisconnects.Meter);

        var refusals = 0;
        for (var i = 0; i < 50 && flooding.State == HubConnectionState.Connected; i++)
        {
            try
            {
                await flooding.InvokeAsync<string>("SendMessage", "spam").Within();
            }
            catch (HubException)
            {
                refusals++;
            }
            catch (Exception exception) when (exception is InvalidOperationException or TaskCanceledException or IOException)
            {
                break; // the server closed the connection under the call
            }
        }

        await closed.Task.Within();
        Assert.InRange(refusals, ProtectionFixture.FloodRejections - 1, ProtectionFixture.FloodRejections);
        Assert.Equal(1, metrics.Sum("distance.hub.flood_disconnects"));
        Assert.Equal(HubConnectionState.Connected, wellBehaved.State);
        Assert.Equal("still here", await wellBehaved.InvokeAsync<string>("SendMessage", "still here").Within());
    }
}
