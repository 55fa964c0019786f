using Microsoft.Extensions.Logging;

namespace Distance.Realtime.Observability;

/// <summary>
/// Browsers cannot set headers on WebSockets or EventSource, so hub requests carry the access
/// token as <c>?access_token=</c>, and ASP.NET Core's hosting diagnostics log every request line
/// ("Request starting … /hubs/chat?id=…&amp;access_token=…") at Information: whoever reads the logs
/// could act as the member until the token expires. Those two lines are turned off for every
/// provider whatever the configuration says (a later rule for the same category wins, and a
/// provider-specific rule beats a general one, so both kinds are added last). Request metrics
/// and our own logs, which never carry a token, are unaffected.
/// </summary>
internal static class RequestLineLogs
{
    /// <summary>The category of "Request starting" / "Request finished".</summary>
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IServiceCollection AddNoRequestLineLogs(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var providers = options.Rules.Select(rule => rule.ProviderName).Where(name => name is not null).Distinct().ToList();
            foreach (var provider in providers.Prepend(null))
                options.Rules.Add(new LoggerFilterRule(provider, Category, LogLevel.Warning, filter: null));
        });
}
