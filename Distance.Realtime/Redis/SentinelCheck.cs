using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distance.Realtime.Redis;

/// <summary>
/// With <c>serviceName=</c> in Redis:ConnectionString the endpoints are sentinels, and the nodes and
/// the backplane find the primary through them. A boot where no sentinel names a primary for the
/// service fails here, with one line that says which addresses answered nothing; the multiplexer
/// would otherwise throw a bare "not a Sentinel connection" later. A sentinel that answers nothing
/// while another names the primary only warns: a node must be able to start while one of three
/// sentinels is down, which is what running three of them is for.
/// </summary>
internal sealed partial class SentinelCheck(ILogger<SentinelCheck> logger) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = RedisSetup.Configure(options);
        }
        catch (ArgumentException)
        {
            return ValidateOptionsResult.Skip; // the parse check reports it
        }
        if (string.IsNullOrEmpty(configuration.ServiceName))
            return ValidateOptionsResult.Skip;

        var sentinels = configuration.Clone();
        sentinels.ServiceName = null;
        sentinels.CommandMap = CommandMap.Sentinel;
        sentinels.AbortOnConnectFail = false;
        using var connection = ConnectionMultiplexer.SentinelConnect(sentinels);
        var silent = new List<string>();
        EndPoint? primary = null;
        foreach (var endpoint in configuration.EndPoints)
        {
            var server = connection.GetServer(endpoint);
            try
            {
                primary ??= server.IsConnected ? server.SentinelGetMasterAddressByName(configuration.ServiceName) : null;
                if (!server.IsConnected)
                    silent.Add(Address(endpoint));
            }
            catch (RedisException)
            {
                silent.Add(Address(endpoint));
            }
        }
        if (primary is null)
            return ValidateOptionsResult.Fail(
                $"Redis:ConnectionString names the sentinel service '{configuration.ServiceName}', but no sentinel named its primary " +
                $"(answered nothing: {(silent.Count == 0 ? "none; they do not know the service" : string.Join(", ", silent))}).");
        if (silent.Count > 0)
            LogSilentSentinels(string.Join(", ", silent), configuration.ServiceName, Address(primary));
        return ValidateOptionsResult.Success;
    }

    private static string Address(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentinels {Silent} answered nothing; the others name {Primary} as the primary of '{Service}'")]
    private partial void LogSilentSentinels(string silent, string service, string primary);
}
