using Microsoft.Extensions.Options;

namespace Distance.Realtime.Hosting;

internal static class ConfigurationValidation
{
    /// <summary>EX_CONFIG from sysexits.h: the process manager sees "bad configuration", not a crash.</summary>
    private const int ConfigurationError = 78;

    /// <summary>
    /// Options marked ValidateOnStart are checked when the host starts, which is after endpoints
    /// are mapped and migrations run. Checking them first means a misconfigured node stops before it
    /// builds a Redis client from a bad string or touches the database — with one line per bad
    /// setting on stderr (each names the setting) instead of an exception's stack trace.
    /// Only when this assembly is the process's own entry point: a host inside another process (the
    /// tests' factories) gets the validation exception, as before, instead of losing its process.
    /// </summary>
    public static void ValidateConfiguration(this WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception error) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(ConfigurationValidation).Assembly
                                      && Failures(error).ToList() is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
                Console.Error.WriteLine("Distance cannot start: " + failure);
            Environment.Exit(ConfigurationError);
        }
    }

    private static IEnumerable<string> Failures(Exception error) => error switch
    {
        OptionsValidationException options => options.Failures,
        AggregateException many => many.InnerExceptions.SelectMany(Failures),
        _ => [],
    };
}
