using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Distance.Tests.Chat;
using Distance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Distance.Tests.Security;

/// <summary>
/// Every HTTP route (from the node's own endpoint list) gets hostile route values, query values,
/// whole bodies and single hostile members: each answer must be a 2xx or a 4xx ProblemDetails with
/// a code, never a 5xx, and the node must log no error.
/// </summary>
[Collection(nameof(SecurityCollection))]
public sealed class HttpFuzzTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private sealed record FuzzCase(RouteInfo Route, string Path, string What, HttpContent? Content, string Token);

    [Fact]
    public async Task EveryRouteAnswersHostileInputWithA4xxProblemCarryingACodeAndNeverAServerError()
    {
        var node = fixture.Distance.NodeA;
        var api = new RoomApi(fixture.Distance);
        var cases = new List<FuzzCase>();
        foreach (var route in EndpointCatalog.Routes(node))
        {
            // A member of its own per route (DELETE /api/me or leave must not spoil the others), with a real room.
            var (member, other, roomId) = await api.PairAsync();
            var real = new Dictionary<string, string> { ["roomId"] = roomId.ToString(), ["id"] = other.Id.ToString(), ["requestId"] = "1" };
            string RealValue(string name) => real.GetValueOrDefault(name, "1");
            var path = route.Path(RealValue);
            var token = member.AccessToken;

            foreach (var parameter in route.RouteParameters)
                foreach (var value in HostileValues.PathValues)
                    cases.Add(new(route, route.Path(n => n == parameter ? value : RealValue(n)), $"{parameter}={HostileValues.Describe(value)}", Json("{}"), token));
            foreach (var parameter in route.Query)
            {
                foreach (var value in HostileValues.QueryValues)
                    cases.Add(new(route, $"{path}?{parameter.Name}={Uri.EscapeDataString(value)}", $"?{parameter.Name}={HostileValues.Describe(value)}", null, token));
                foreach (var raw in HostileValues.RawQueryValues)
                    cases.Add(new(route, $"{path}?{parameter.Name}={raw}", $"?{parameter.Name}={raw}", null, token));
            }
            if (route.Method is "GET" or "DELETE")
                continue;
            foreach (var (name, body) in HostileValues.Bodies())
                cases.Add(new(route, path, "body " + name, Bytes(body, "application/json"), token));
            cases.Add(new(route, path, "text/plain body", Bytes("{}"u8.ToArray(), "text/plain"), token));
            cases.Add(new(route, path, "form body", Bytes("a=1"u8.ToArray(), "application/x-www-form-urlencoded"), token));
            cases.Add(new(route, path, "no content type", Bytes("{}"u8.ToArray(), null), token));
            foreach (var (field, _) in route.BodyFields)
                foreach (var value in HostileValues.JsonValues)
                    cases.Add(new(route, path, $"{field}: {HostileValues.Describe(value)}", Json($"{{\"{field}\":{value}}}"), token));
        }

        var failures = new ConcurrentQueue<string>();
        var answered = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (fuzz, _) =>
        {
            using var client = node.CreateClientFrom(accessToken: fuzz.Token);
            using var request = new HttpRequestMessage(new HttpMethod(fuzz.Route.Method), fuzz.Path) { Content = fuzz.Content };
            using var response = await client.SendAsync(request).Within(TimeSpan.FromSeconds(30));
            var status = (int)response.StatusCode;
            answered.AddOrUpdate(status, 1, (_, n) => n + 1);
            var problem = await ProblemAsync(response);
            if (status >= 500 || (status >= 400 && problem is null))
                failures.Enqueue($"{fuzz.Route} [{fuzz.What}] → {status} {(problem ?? "without a ProblemDetails code")}");
        });

        output.WriteLine($"{cases.Count} requests over {EndpointCatalog.Routes(node).Count} routes: " +
                         string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}")));
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(40)));
        Assert.True(answered.Keys.Any(s => s is >= 400 and < 500), "no request was refused: the cases did not reach the routes");
        Assert.Contains(fixture.Logs.Entries, e => e.Category.StartsWith("Distance.", StringComparison.Ordinal)); // the capture works
        Assert.Empty(fixture.Logs.Errors.Select(e => e.ToString()));
    }

    /// <summary>The ProblemDetails code of an error answer, or null when it is not ProblemDetails with a code.</summary>
    private static async Task<string?> ProblemAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return null;
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HttpContent Json(string text) => Bytes(Encoding.UTF8.GetBytes(text), "application/json");

    private static ByteArrayContent Bytes(byte[] bytes, string? mediaType)
    {
        var content = new ByteArrayContent(bytes);
        if (mediaType is not null)
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
