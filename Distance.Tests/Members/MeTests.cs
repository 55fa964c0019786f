using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Members;

[Collection(nameof(MembersCollection))]
public sealed class MeTests(DistanceFixture fixture)
{
    private static string[] PropertyNames(JsonElement element) => Sorted(element.EnumerateObject().Select(p => p.Name));

    private static string[] Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task GetMeReturnsTheContractsFieldsIncludingThePhone()
    {
        var member = await fixture.SignUpAsync(gender: "female", schoolCode: "SWU");
        using var client = fixture.NodeB.CreateClientFrom(accessToken: member.AccessToken);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me").Within();

        Assert.Equal(
            Sorted(["character", "college", "createdAt", "department", "gender", "hobbies", "memberId", "mbti", "nickname", "phone", "roomCapacity", "school", "studentVerified", "tags"]),
            PropertyNames(me));
        Assert.Equal(member.Id, me.GetProperty("memberId").GetInt64());
        Assert.Equal(member.Phone, me.GetProperty("phone").GetString());
        Assert.Equal("서울여자대학교", me.GetProperty("school").GetProperty("name").GetString());
        Assert.Equal(new[] { "영화", "산책" }, me.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(new[] { "독서" }, me.GetProperty("hobbies").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task PatchingTheProfileUpdatesItAndTheNicknameFollows()
    {
        var member = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);

        var response = await client.PatchAsJsonAsync("/api/me", new { department = " 경영학과 ", mbti = "enfp", tags = new[] { "축제", "맛집", "사진" } }).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal($"경영학과ENFP#{member.Id}", me.GetProperty("nickname").GetString());
        Assert.Equal("차분함", me.GetProperty("character").GetString());
        Assert.Equal(new[] { "독서" }, me.GetProperty("hobbies").EnumerateArray().Select(t => t.GetString()));
        using var other = fixture.NodeB.CreateClientFrom(accessToken: (await fixture.CreateMemberAsync().Within()).AccessToken);
        var seen = await other.GetFromJsonAsync<JsonElement>($"/api/members/{member.Id}").Within();
        Assert.Equal($"경영학과ENFP#{member.Id}", seen.GetProperty("nickname").GetString());
        Assert.Equal(3, seen.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public async Task APatchThatLeavesTooFewOrTooManyInterestsIsRefusedAndChangesNothing()
    {
        var member = await fixture.CreateMemberAsync().Within(); // 2 tags + 1 hobby
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);

        var tooMany = await client.PatchAsJsonAsync("/api/me", new { department = "바뀌면안됨", tags = new[] { "a", "b", "c", "d", "e" } }).Within();
        var tooFew = await client.PatchAsJsonAsync("/api/me", new { hobbies = Array.Empty<string>() }).Within();

        await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await tooFew.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("컴퓨터공학과", await fixture.ScalarAsync<string>("SELECT department FROM members WHERE id = @Id", member));
    }

    [Theory]
    [InlineData("{\"mbti\":\"XXXX\"}")]
    [InlineData("{\"department\":\"\"}")]
    [InlineData("{\"character\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}")]
    [InlineData("{\"phone\":\"01099999999\"}")]
    [InlineData("{\"tags\":\"not a list\"}")]
    public async Task AnInvalidOrUnknownPatchFieldIsAValidationProblem(string json)
    {
        var member = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom(accessToken: member.AccessToken);

        var response = await client.PatchAsync("/api/me", new StringContent(json, System.Text.Encoding.UTF8, "application/json")).Within();

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(member.Phone, await fixture.ScalarAsync<string>("SELECT phone FROM members WHERE id = @Id", member));
    }

    [Fact]
    public async Task APublicProfileHasTheContractsFieldsAndNeverAPhoneNumber()
    {
        var viewer = await fixture.CreateMemberAsync().Within();
        var member = await fixture.SignUpAsync(schoolCode: "KAIST");
        using var client = fixture.NodeA.CreateClientFrom(accessToken: viewer.AccessToken);

        var response = await client.GetAsync($"/api/members/{member.Id}").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync().Within();
        Assert.DoesNotContain(member.Phone, raw);
        Assert.DoesNotContain(member.Phone[3..], raw);
        var profile = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(
            Sorted(["character", "department", "gender", "hobbies", "mbti", "memberId", "nickname", "school", "tags"]),
            PropertyNames(profile));
        Assert.Equal("KAIST", profile.GetProperty("school").GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnUnknownMemberIsNotFound()
    {
        var viewer = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom(accessToken: viewer.AccessToken);

        var response = await client.GetAsync("/api/members/999999999").Within();

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "member_not_found");
    }

    [Fact]
    public async Task MemberRoutesNeedAValidAccessToken()
    {
        using var anonymous = fixture.NodeA.CreateClient();
        using var forged = fixture.NodeA.CreateClientFrom(accessToken: "forged.token.value");

        await (await anonymous.GetAsync("/api/me").Within()).AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await (await forged.GetAsync("/api/members/1").Within()).AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        await (await anonymous.DeleteAsync("/api/me").Within()).AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Fact]
    public async Task SchoolsAreFoundByNamePrefixWithoutAnAccount()
    {
        using var client = fixture.NodeA.CreateClient();

        var gachon = await client.GetFromJsonAsync<JsonElement[]>("/api/schools?query=" + Uri.EscapeDataString("가천")).Within();
        var hanyang = await client.GetFromJsonAsync<JsonElement[]>("/api/schools?query=" + Uri.EscapeDataString("한양")).Within();
        var none = await client.GetFromJsonAsync<JsonElement[]>("/api/schools?query=" + Uri.EscapeDataString("없는학교")).Within();
        var wildcard = await client.GetFromJsonAsync<JsonElement[]>("/api/schools?query=%25").Within();
        var all = await client.GetFromJsonAsync<JsonElement[]>("/api/schools").Within();

        var only = Assert.Single(gachon!);
        Assert.Equal(new[] { "code", "name" }, PropertyNames(only));
        Assert.Equal("GACHON", only.GetProperty("code").GetString());
        Assert.Equal("가천대학교", only.GetProperty("name").GetString());
        Assert.Contains(hanyang!, s => s.GetProperty("code").GetString() == "ERICA");
        Assert.Contains(hanyang!, s => s.GetProperty("code").GetString() == "HANYANG");
        Assert.Empty(none!);
        Assert.Empty(wildcard!);
        Assert.True(all!.Length > 100);
    }
}

[CollectionDefinition(nameof(MembersCollection))]
public sealed class MembersCollection : ICollectionFixture<DistanceFixture>;
