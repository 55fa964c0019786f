using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Foundation;

[Collection(nameof(FoundationCollection))]
public sealed class HostTests(DistanceFixture fixture)
{
    [Fact]
    public async Task ReadinessIsGreenWhenRedisAndMariaDbAnswer()
    {
        using var client = fixture.NodeA.CreateClient();

        var response = await client.GetAsync("/health/ready").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownRoutesAnswerWithProblemDetailsCarryingACode()
    {
        using var client = fixture.NodeA.CreateClient();

        var response = await client.GetAsync("/api/no-such-route").Within();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().Within();
        Assert.Equal("not_found", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task MetricsAreServedInPrometheusTextFormat()
    {
        using var client = fixture.NodeA.CreateClient();
        await client.GetAsync("/health/live").Within(); // makes sure an HTTP request was counted

        var text = await client.GetStringAsync("/metrics").Within();

        Assert.Contains("dotnet_gc_heap_total_allocated_bytes", text);
        Assert.Contains("http_server_request_duration_seconds", text);
    }
}

[CollectionDefinition(nameof(FoundationCollection))]
public sealed class FoundationCollection : ICollectionFixture<DistanceFixture>;
