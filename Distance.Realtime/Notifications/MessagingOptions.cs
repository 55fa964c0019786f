using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Distance.Realtime.Notifications;

/// <summary>Which SMS provider sends the codes (docs/configuration.md, "SMS providers").</summary>
public enum SmsProvider
{
    /// <summary>Not chosen: Development falls back to the outbox; elsewhere the boot fails.</summary>
    None,

    /// <summary>A generic HTTP relay: <c>{"to","text"}</c> to <see cref="SmsSenderOptions.Endpoint"/> with a bearer key.</summary>
    Relay,

    /// <summary>SOLAPI (formerly CoolSMS) REST API v4 with its HMAC-SHA256 API-key signature.</summary>
    Solapi,

    /// <summary>Twilio Programmable Messaging through Twilio's own SDK.</summary>
    Twilio,
}

/// <summary>The SMS provider and how hard to try it.</summary>
public sealed class SmsSenderOptions
{
    public const string Section = "Messaging:Sms";

    /// <summary>None means "not configured" unless <see cref="Endpoint"/> is set, which keeps the relay of earlier configurations.</summary>
    public SmsProvider Provider { get; set; }

    /// <summary>The relay's absolute send URL.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The relay's key, sent as <c>Authorization: Bearer …</c> when set. Comes from the environment, never the repo.</summary>
    public string ApiKey { get; set; } = "";

    public SolapiOptions Solapi { get; set; } = new();

    public TwilioOptions Twilio { get; set; } = new();

    /// <summary>
    /// Outside Development every provider URL must be https. With this switch a plain-http URL is
    /// accepted when its host is a loopback address (a stand-in on the same machine, as in the
    /// production rehearsal); a remote http URL stays refused, so credentials never cross a network in clear.
    /// </summary>
    public bool AllowLoopbackHttp { get; set; }

    /// <summary>One attempt's limit (connect, send and answer).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a transient failure (5xx, 429, timeout, connection error); never for a 4xx refusal.</summary>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public SmsProvider EffectiveProvider => Provider != SmsProvider.None ? Provider : Endpoint.Length > 0 ? SmsProvider.Relay : SmsProvider.None;

    public bool IsConfigured => EffectiveProvider != SmsProvider.None;
}

/// <summary>SOLAPI's account: an API key and secret from its console and a pre-registered sender number.</summary>
public sealed class SolapiOptions
{
    public string BaseUrl { get; set; } = "https://api.solapi.com";

    public string ApiKey { get; set; } = "";

    /// <summary>Signs each request; never sent. Comes from the environment.</summary>
    public string ApiSecret { get; set; } = "";

    /// <summary>The registered sender number (발신번호), digits.</summary>
    public string From { get; set; } = "";
}

/// <summary>Twilio's account: Account SID and Auth Token, and a number of the account to send from (E.164).</summary>
public sealed class TwilioOptions
{
    /// <summary>Where the SDK's requests go; only a stand-in changes it.</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    public string AccountSid { get; set; } = "";

    /// <summary>Comes from the environment.</summary>
    public string AuthToken { get; set; } = "";

    public string From { get; set; } = "";
}

/// <summary>The SMTP relay e-mails go through (MailKit).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Messaging:Smtp";

    /// <summary>Relay host name; empty means "not configured".</summary>
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>Auto, None, SslOnConnect, StartTls or StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>Optional; with it the sender authenticates. Secrets come from the environment.</summary>
    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";

    public string FromAddress { get; set; } = "";

    public string FromName { get; set; } = "Distance";

    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => Host.Length > 0;
}

/// <summary>The Development outbox: what would have been sent, readable at GET /dev/outbox.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Messaging:Outbox";

    /// <summary>Messages kept per address (newest first); older ones are dropped.</summary>
    [Range(1, 1000)]
    public int Capacity { get; set; } = 20;

    /// <summary>How long an address's messages are kept after its last one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);
}
