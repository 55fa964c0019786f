using Microsoft.Extensions.Options;

namespace Distance.Realtime.Hosting;

internal static class ConfigurationValidation
{
    /// <summary>
    /// Options marked ValidateOnStart are checked when the host starts, which is after endpoints
    /// are mapped and migrations run. Checking them first means a misconfigured node stops with
    /// the validation message, before it builds a Redis client from a bad string or touches the database.
    /// </summary>
    public static void ValidateConfiguration(this WebApplication app) =>
        app.Services.GetService<IStartupValidator>()?.Validate();
}
