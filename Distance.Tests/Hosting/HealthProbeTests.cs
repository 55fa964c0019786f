using Distance.Realtime.Hosting;

namespace Distance.Tests.Hosting;

public sealed class HealthProbeTests
{
    private static Uri AddressWith(string? urls = null, string? ports = null) =>
        HealthProbe.LocalAddress(name => name switch
        {
            "ASPNETCORE_URLS" => urls,
            "ASPNETCORE_HTTP_PORTS" => ports,
            _ => null,
        });

    [Fact]
    public void TheImagesDefaultPortIsAskedOnLoopback() =>
        Assert.Equal(new Uri("http://127.0.0.1:8080"), AddressWith(ports: "8080"));

    [Fact]
    public void WithoutAnySettingTheProbeAsksPort8080() =>
        Assert.Equal(new Uri("http://127.0.0.1:8080"), AddressWith());

    [Fact]
    public void UrlsWinOverPortsAsInKestrel() =>
        Assert.Equal(new Uri("http://127.0.0.1:5811"), AddressWith(urls: "http://127.0.0.1:5811", ports: "8080"));

    [Theory]
    [InlineData("http://*:9000")]
    [InlineData("http://+:9000")]
    [InlineData("http://0.0.0.0:9000")]
    [InlineData("http://[::]:9000")]
    [InlineData("https://*:9443;http://*:9000")]
    public void AWildcardHostIsAskedOnLoopback(string urls) =>
        Assert.Equal(new Uri("http://127.0.0.1:9000"), AddressWith(urls: urls));

    [Fact]
    public void OnlyTheExactArgumentAsksForTheProbe()
    {
        Assert.True(HealthProbe.IsRequested(["--healthcheck"]));
        Assert.False(HealthProbe.IsRequested([]));
        Assert.False(HealthProbe.IsRequested(["--urls", "http://127.0.0.1:5000"]));
    }
}
