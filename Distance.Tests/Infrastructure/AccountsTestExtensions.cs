using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Distance.Client;
using Distance.Contracts;

namespace Distance.Tests.Infrastructure;

/// <summary>A member made through the real routes: SMS code from the outbox, confirm, sign-up.</summary>
public sealed record SignedUpMember(long Id, string Phone, string Password, string AccessToken, string RefreshToken)
{
    public TestMember AsTestMember(long loginId = 0) => new(Id, Phone, loginId, AccessToken);
}

/// <summary>Helpers that drive the accounts routes the way a client does.</summary>
public static partial class AccountsTestExtensions
{
    public const string DefaultPassword = "correct horse battery";

    // Sign-up and school codes have 6 characters, password-reset codes 8 digits.
    [GeneratedRegex(@"(?<!\S)(?:[0-9]{8}|[0-9A-Z]{6})(?!\S)")]
    private static partial Regex CodeWord();

    /// <summary>An HTTP client of this node that appears to come from <paramref name="clientIp"/> (random when null).</summary>
    public static HttpClient CreateClientFrom(this DistanceNode node, string? clientIp = null, string? accessToken = null)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Add(DistanceNode.ClientIpHeader, clientIp ?? RandomClientIp());
        if (accessToken is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static string RandomClientIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public static async Task<JsonElement[]> ReadOutboxAsync(this DistanceNode node, string to)
    {
        using var client = node.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement[]>("/dev/outbox?to=" + Uri.EscapeDataString(to)).Within())!;
    }

    /// <summary>The code in the newest message to <paramref name="to"/>: the 6-character (reset: 8-digit) word of its text.</summary>
    public static async Task<string> LatestCodeAsync(this DistanceNode node, string to)
    {
        var messages = await node.ReadOutboxAsync(to);
        Assert.NotEmpty(messages);
        var match = CodeWord().Match(messages[0].GetProperty("text").GetString()!);
        Assert.True(match.Success, "The newest message carries no code word.");
        return match.Value;
    }

    /// <summary>Requests an SMS code, reads it from the outbox and confirms it: returns the verification token.</summary>
    public static async Task<string> VerifyPhoneAsync(this DistanceNode node, string phone, string purpose = "signup", string? clientIp = null)
    {
        using var http = node.CreateClientFrom(clientIp);
        var api = new DistanceApiClient(http);
        await api.RequestSmsCodeAsync(phone, purpose).Within();
        var code = await node.LatestCodeAsync(phone);
        return (await api.ConfirmSmsCodeAsync(phone, code).Within()).VerificationToken;
    }

    /// <summary>A sign-up body with valid defaults; tests override what they probe.</summary>
    public static Dictionary<string, object?> SignUpBody(string verificationToken, string gender = "male", string schoolCode = "GACHON") => new()
    {
        ["verificationToken"] = verificationToken,
        ["password"] = DefaultPassword,
        ["gender"] = gender,
        ["schoolCode"] = schoolCode,
        ["college"] = "공과대학",
        ["department"] = "컴퓨터공학과",
        ["mbti"] = "INTJ",
        ["character"] = "차분함",
        ["tags"] = new[] { "영화", "산책" },
        ["hobbies"] = new[] { "독서" },
    };

    /// <summary>Signs a new member up through the real routes of <paramref name="node"/> (node A by default).</summary>
    public static Task<SignedUpMember> SignUpAsync(
        this DistanceFixture fixture, string gender = "male", string schoolCode = "GACHON", string? referrerPhone = null, DistanceNode? node = null) =>
        (node ?? fixture.NodeA).SignUpAsync(fixture.NextPhone(), gender, schoolCode, referrerPhone);

    /// <summary>Signs a new member with <paramref name="phone"/> up through the real routes of <paramref name="node"/>.</summary>
    public static async Task<SignedUpMember> SignUpAsync(
        this DistanceNode node, string phone, string gender = "male", string schoolCode = "GACHON", string? referrerPhone = null)
    {
        var token = await node.VerifyPhoneAsync(phone);
        using var http = node.CreateClientFrom();
        var created = await new DistanceApiClient(http).SignUpAsync(new SignUpRequest(
            token, DefaultPassword, gender, schoolCode, "공과대학", "컴퓨터공학과", "INTJ", "차분함", ["영화", "산책"], ["독서"], referrerPhone)).Within();
        return new SignedUpMember(created.Member.MemberId, phone, DefaultPassword, created.Tokens.AccessToken, created.Tokens.RefreshToken);
    }

    /// <summary>DELETE /api/me, which asks for the password again.</summary>
    public static Task<HttpResponseMessage> DeleteAccountAsync(this HttpClient client, string password = DefaultPassword) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/me") { Content = JsonContent.Create(new { password }) }).Within();

    /// <summary>Gives a member made through the repositories a real password (their hash is a placeholder).</summary>
    public static Task GivePasswordAsync(this DistanceFixture fixture, TestMember member, string password = DefaultPassword) =>
        fixture.ExecuteAsync("UPDATE members SET password_hash = @hash WHERE id = @id",
            new { hash = new Distance.Realtime.Identity.Passwords().Hash(password), id = member.Id });

    /// <summary>The ProblemDetails <c>code</c> of an error response.</summary>
    public static async Task<string?> ProblemCodeAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        return body.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    /// <summary>Asserts a ProblemDetails with the given status and code.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal(code, body.GetProperty("code").GetString());
        return body;
    }
}

/// <summary>Straight reads of the fixture's database, for asserting what a route stored.</summary>
public static class DatabaseAssertions
{
    public static async Task<T?> ScalarAsync<T>(this DistanceFixture fixture, string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnector.MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        return await Dapper.SqlMapper.ExecuteScalarAsync<T>(connection, sql, parameters).Within();
    }

    public static async Task ExecuteAsync(this DistanceFixture fixture, string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnector.MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await Dapper.SqlMapper.ExecuteAsync(connection, sql, parameters).Within();
    }
}
