using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Distance.Realtime.Notifications;

/// <summary>The SMS provider: Distance POSTs <c>{"to","text"}</c> as JSON to <see cref="Endpoint"/>.</summary>
public sealed class SmsSenderOptions
{
    public const string Section = "Messaging:Sms";

    /// <summary>Absolute http(s) URL of the provider's send endpoint; empty means "not configured".</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Sent as <c>Authorization: Bearer …</c> when set. Comes from the environment, never the repo.</summary>
    public string ApiKey { get; set; } = "";

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => Endpoint.Length > 0;

    public bool EndpointIsValid =>
        !IsConfigured || (Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
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
