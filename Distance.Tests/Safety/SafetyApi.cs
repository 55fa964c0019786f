using System.Net;
using System.Net.Http.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Safety;

[CollectionDefinition(nameof(SafetyCollection))]
public sealed class SafetyCollection : ICollectionFixture<DistanceFixture>;

/// <summary>Blocks and reports as members call them, on top of the rooms API.</summary>
public sealed class SafetyApi(DistanceFixture fixture)
{
    public RoomApi Rooms { get; } = new(fixture);

    /// <summary>A student-verified member (who may open rooms and report).</summary>
    public Task<TestMember> VerifiedAsync(string gender = "female") => fixture.CreateMemberAsync(gender, studentVerified: true).Within();

    /// <summary><paramref name="a"/> opens a room (or, if <paramref name="b"/> is full, a request) with <paramref name="b"/>: they have met.</summary>
    public async Task MeetAsync(TestMember a, TestMember b)
    {
        var response = await Rooms.PostAsync(a, "/api/rooms", new { memberId = b.Id });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"meeting: {response.StatusCode}");
    }

    public async Task<HttpResponseMessage> ReportAsync(TestMember reporter, object body, DistanceNode? node = null)
    {
        using var client = Rooms.Client(reporter, node);
        return await client.PostAsJsonAsync("/api/reports", body).Within();
    }

    public async Task<HttpResponseMessage> BlockAsync(TestMember blocker, long memberId, DistanceNode? node = null)
    {
        using var client = Rooms.Client(blocker, node);
        return await client.PostAsJsonAsync("/api/blocks", new { memberId }).Within();
    }

    /// <summary>A verified reporter who met <paramref name="reported"/> and reports them (201 asserted).</summary>
    public async Task<TestMember> ReportedByNewReporterAsync(TestMember reported, DistanceNode? node = null)
    {
        var reporter = await VerifiedAsync();
        await MeetAsync(reporter, reported);
        var response = await ReportAsync(reporter, new { memberId = reported.Id, reason = "harassment" }, node);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return reporter;
    }
}
