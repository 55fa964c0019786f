using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Client;
using Distance.Contracts;
using Distance.Tests.Infrastructure;
using MySqlConnector;

namespace Distance.Tests.Chat;

/// <summary>The rooms HTTP API as a member calls it, plus direct database set-up the API has no route for.</summary>
public sealed class RoomApi(DistanceFixture fixture)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Client(TestMember member, DistanceNode? node = null)
    {
        var client = (node ?? fixture.NodeA).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.AccessToken);
        return client;
    }

    /// <summary>The typed client (Distance.Client) speaking for <paramref name="member"/>; dispose it after use.</summary>
    public MemberApi Api(TestMember member, DistanceNode? node = null) => new(Client(member, node));

    public Task<TestMember> MemberAsync(string gender = "male") =>
        fixture.CreateMemberAsync(gender, studentVerified: true).Within();

    /// <summary>Opens a room from <paramref name="caller"/> to <paramref name="opponent"/> and returns it (201 expected).</summary>
    public async Task<RoomSummary> OpenRoomAsync(TestMember caller, TestMember opponent)
    {
        using var api = Api(caller);
        var opened = await api.Client.OpenRoomAsync(opponent.Id).Within();
        Assert.Equal(HttpStatusCode.Created, opened.Status);
        return opened.Room!;
    }

    /// <summary>Two verified members with a room between them.</summary>
    public async Task<(TestMember A, TestMember B, long RoomId)> PairAsync()
    {
        var a = await MemberAsync();
        var b = await MemberAsync("female");
        var room = await OpenRoomAsync(a, b);
        return (a, b, room.RoomId);
    }

    public async Task<IReadOnlyList<RoomSummary>> RoomsAsync(TestMember member)
    {
        using var api = Api(member);
        return await api.Client.GetRoomsAsync().Within();
    }

    public async Task<RoomSummary> RoomAsync(TestMember member, long roomId) =>
        Assert.Single(await RoomsAsync(member), r => r.RoomId == roomId);

    public async Task<HttpResponseMessage> PostAsync(TestMember member, string path, object? body = null, DistanceNode? node = null)
    {
        using var client = Client(member, node);
        return await client.PostAsJsonAsync(path, body ?? new { }).Within();
    }

    public async Task<HttpResponseMessage> GetAsync(TestMember member, string path)
    {
        using var client = Client(member);
        return await client.GetAsync(path).Within();
    }

    public async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        return body.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    public async Task ExecuteSqlAsync(string sql, object parameters)
    {
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var property in parameters.GetType().GetProperties())
            command.Parameters.AddWithValue("@" + property.Name, property.GetValue(parameters));
        await command.ExecuteNonQueryAsync().Within();
    }

    public async Task<long> ScalarAsync(string sql, object parameters)
    {
        await using var connection = new MySqlConnection(fixture.Settings["Database:ConnectionString"]);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var property in parameters.GetType().GetProperties())
            command.Parameters.AddWithValue("@" + property.Name, property.GetValue(parameters));
        return Convert.ToInt64(await command.ExecuteScalarAsync().Within());
    }
}

/// <summary>A <see cref="DistanceApiClient"/> that owns the HttpClient it speaks through.</summary>
public sealed class MemberApi(HttpClient http) : IDisposable
{
    public DistanceApiClient Client { get; } = new(http);

    public void Dispose() => http.Dispose();
}
