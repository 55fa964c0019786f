using System.Net;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Safety;

/// <summary>
/// Rooms and requests obey the rules matching applies, whatever the radius (contract v2 "Who meets
/// whom"): the gender rule, member status, and blocks and reports either way → 404 member_not_found.
/// </summary>
[Collection(nameof(SafetyCollection))]
public sealed class MeetingRuleTests(DistanceFixture fixture)
{
    private readonly SafetyApi api = new(fixture);

    [Theory]
    [InlineData("male", "GACHON", "male", "GACHON", false)]
    [InlineData("female", "GACHON", "female", "KONKUK", false)]
    [InlineData("male", "GACHON", "female", "KONKUK", true)]
    [InlineData("female", "EWHA", "female", "SOOK", true)]
    [InlineData("female", "EWHA", "male", "GACHON", false)]
    [InlineData("female", "GACHON", "female", "EWHA", false)]
    public async Task RoomsFollowTheGenderRuleOfMatching(string callerGender, string callerSchool, string otherGender, string otherSchool, bool allowed)
    {
        var caller = await fixture.CreateMemberAsync(callerGender, callerSchool, studentVerified: true).Within();
        var other = await fixture.CreateMemberAsync(otherGender, otherSchool).Within();

        var response = await api.Rooms.PostAsync(caller, "/api/rooms", new { memberId = other.Id });

        if (allowed)
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        else
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
    }

    [Fact]
    public async Task AReportEitherWayOrADeactivatedMemberKeepsRoomsAndRequestsShut()
    {
        var caller = await api.VerifiedAsync("male");
        var reportedByCaller = await fixture.CreateMemberAsync("female").Within();
        var reporterOfCaller = await fixture.CreateMemberAsync("female").Within();
        var suspended = await fixture.CreateMemberAsync("female").Within();
        await fixture.ExecuteAsync("""
            INSERT INTO reports (reported_id, reporter_id, reason, created_at) VALUES (@A, @C, 'spam', UTC_TIMESTAMP(3)), (@C, @B, 'spam', UTC_TIMESTAMP(3));
            UPDATE members SET deactivated_at = UTC_TIMESTAMP(3), moderation = 'suspended' WHERE id = @S;
            """, new { C = caller.Id, A = reportedByCaller.Id, B = reporterOfCaller.Id, S = suspended.Id });

        foreach (var other in new[] { reportedByCaller, reporterOfCaller, suspended })
            await (await api.Rooms.PostAsync(caller, "/api/rooms", new { memberId = other.Id }, fixture.NodeB))
                .AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        Assert.Equal(0, await fixture.ScalarAsync<long>("SELECT COUNT(*) FROM room_requests WHERE from_member_id = @Id", caller));
    }
}
