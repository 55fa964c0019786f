using System.Net;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Notifications;

/// <summary>
/// Checks only the chosen provider's settings and reports the FIRST problem alone, naming the
/// setting, so a bad production boot prints one line an operator can act on. Outside Development:
/// a provider is required, its URLs are https (plain http only to a loopback host with
/// <see cref="SmsSenderOptions.AllowLoopbackHttp"/>), and no secret is missing or a placeholder.
/// </summary>
internal sealed class SmsOptionsValidator(IHostEnvironment environment) : IValidateOptions<SmsSenderOptions>
{
    private const string Prefix = SmsSenderOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, SmsSenderOptions options)
    {
        var failure = FirstProblem(options);
        return failure is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failure);
    }

    private string? FirstProblem(SmsSenderOptions o)
    {
        var production = !environment.IsDevelopment();
        return o.EffectiveProvider switch
        {
            SmsProvider.None when production =>
                Prefix + "Provider is required outside Development: Relay, Solapi or Twilio with its settings (Development alone falls back to the outbox at /dev/outbox).",
            SmsProvider.None => null,
            SmsProvider.Relay => Url("Endpoint", o.Endpoint, o) ?? Secret("ApiKey", o.ApiKey, required: false),
            SmsProvider.Solapi => Url("Solapi:BaseUrl", o.Solapi.BaseUrl, o)
                ?? Secret("Solapi:ApiKey", o.Solapi.ApiKey) ?? Secret("Solapi:ApiSecret", o.Solapi.ApiSecret)
                ?? (o.Solapi.From.Length >= 8 && o.Solapi.From.All(char.IsAsciiDigit) ? null : Prefix + "Solapi:From must be the registered sender number, digits only."),
            SmsProvider.Twilio => Url("Twilio:BaseUrl", o.Twilio.BaseUrl, o)
                ?? (o.Twilio.AccountSid.StartsWith("AC", StringComparison.Ordinal) && o.Twilio.AccountSid.Length == 34 ? null : Prefix + "Twilio:AccountSid must be the account's SID (AC followed by 32 characters).")
                ?? Secret("Twilio:AuthToken", o.Twilio.AuthToken)
                ?? (o.Twilio.From.StartsWith('+') && o.Twilio.From.Length > 8 ? null : Prefix + "Twilio:From must be a number of the account in E.164 (+…)."),
            _ => Prefix + "Provider must be Relay, Solapi or Twilio.",
        };

        string? Secret(string key, string value, bool required = true)
        {
            if (value.Length == 0)
                return required ? $"{Prefix}{key} is required when {Prefix}Provider is {o.EffectiveProvider}." : null;
            return production && PlaceholderSecrets.IsPlaceholder(value) ? $"{Prefix}{key} is a placeholder or a well-known default; set the real secret." : null;
        }
    }

    private string? Url(string key, string value, SmsSenderOptions options)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"{Prefix}{key} must be an absolute https URL.";
        if (uri.Scheme == "https" || environment.IsDevelopment())
            return null;
        if (options.AllowLoopbackHttp && IsLoopback(uri))
            return null;
        return $"{Prefix}{key} must be https outside Development (plain http is accepted only for a loopback host with {Prefix}AllowLoopbackHttp=true).";
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
