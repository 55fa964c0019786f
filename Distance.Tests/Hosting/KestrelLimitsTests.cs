using System.Net;
using System.Text;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Hosting;

/// <summary>
/// Kestrel's limits sized for the API (issue #21, "Transport"; appsettings.json Kestrel:Limits): a node running as its own process
/// (the in-memory test server has no Kestrel) refuses an oversized body with 413 and oversized
/// headers with 431, never a 5xx, while a body just under the limit is read and judged as usual.
/// </summary>
[Collection(nameof(KestrelLimitsCollection))]
public sealed class KestrelLimitsTests(DistanceFixture fixture)
{
    // As shipped in Distance.Realtime/appsettings.json (Kestrel:Limits, docs/configuration.md).
    private const int MaxRequestBodySize = 64 * 1024;
    private const int MaxRequestHeadersTotalSize = 16 * 1024;
    private const int MaxRequestHeaderCount = 40;

    private static StringContent Json(int phoneLength) =>
        new($$"""{"phone":"{{new string('1', phoneLength)}}","purpose":"signup"}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task AnOversizedBodyIs413AndOversizedHeadersAre431AndNothingIs5xx()
    {
        await using var node = await NodeProcess.StartAsync(fixture.Settings).Within(TimeSpan.FromSeconds(90));
        using var http = node.CreateClient();

        var underLimit = await http.PostAsync("/api/verifications/sms", Json(MaxRequestBodySize - 1024)).Within();
        var overLimit = await http.PostAsync("/api/verifications/sms", Json(MaxRequestBodySize + 1024)).Within();
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/verifications/sms") { Content = Json(MaxRequestBodySize * 2) };
        chunked.Headers.TransferEncodingChunked = true; // no Content-Length to refuse up front: Kestrel counts as it reads
        var overLimitChunked = await http.SendAsync(chunked).Within();
        using var bigHeader = new HttpRequestMessage(HttpMethod.Get, "/api/push/webpush-key");
        bigHeader.Headers.Add("X-Padding", new string('a', MaxRequestHeadersTotalSize + 1024));
        var overHeaders = await http.SendAsync(bigHeader).Within();
        using var manyHeaders = new HttpRequestMessage(HttpMethod.Get, "/api/push/webpush-key");
        for (var i = 0; i < MaxRequestHeaderCount + 5; i++)
            manyHeaders.Headers.Add($"X-Header-{i}", "x");
        var overCount = await http.SendAsync(manyHeaders).Within();

        Assert.Equal(HttpStatusCode.BadRequest, underLimit.StatusCode); // read whole, then judged: the phone is no phone
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLimit.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLimitChunked.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, overHeaders.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, overCount.StatusCode);
        // The node is unharmed and logged no failure of its own.
        using var after = new HttpClient { BaseAddress = node.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/health/ready").Within()).StatusCode);
        Assert.DoesNotContain("fail:", node.RecentOutput(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorsKestrelLimitsSettingWinsOverTheShippedOne()
    {
        var settings = new Dictionary<string, string?>(fixture.Settings) { ["Kestrel:Limits:MaxRequestBodySize"] = "1048576" };
        await using var node = await NodeProcess.StartAsync(settings).Within(TimeSpan.FromSeconds(90));
        using var http = node.CreateClient();

        var response = await http.PostAsync("/api/verifications/sms", Json(MaxRequestBodySize + 1024)).Within();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

[CollectionDefinition(nameof(KestrelLimitsCollection))]
public sealed class KestrelLimitsCollection : ICollectionFixture<DistanceFixture>;
