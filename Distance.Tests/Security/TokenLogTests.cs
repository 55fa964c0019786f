using System.Net;
using Distance.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distance.Tests.Security;

/// <summary>
/// Issue #21 "tokens in logs": a browser's hub requests carry <c>?access_token=</c>; with the
/// framework's request logging at Information (as a curious operator might set it), no log line
/// of the node may hold the token.
/// </summary>
public sealed class TokenLogTests : IAsyncLifetime
{
    private readonly DistanceFixture fixture = new();
    private readonly CapturedLogs logs = new();

    public TokenLogTests()
    {
        fixture.NodeServices.Add(services => services.AddSingleton<ILoggerProvider>(logs));
        fixture.Settings["Logging:LogLevel:Default"] = "Debug";
        fixture.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
        fixture.Settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task NoLogLineHoldsAnAccessTokenSentInTheQueryString()
    {
        var member = await fixture.CreateMemberAsync().Within();
        using var client = fixture.NodeA.CreateClientFrom();

        var negotiated = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1&access_token=" + member.AccessToken, null).Within();
        var refused = await client.GetAsync("/hubs/chat?id=made-up&access_token=" + member.AccessToken).Within();

        Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        // The capture works (it sees the framework's debug logs of these requests)…
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        // …and no line of any level holds the token, nor its signature alone.
        var signature = member.AccessToken[(member.AccessToken.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(signature, StringComparison.Ordinal));
    }
}
