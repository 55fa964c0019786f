using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Distance.Realtime.Notifications;

/// <summary>Sends e-mail through the configured SMTP relay with MailKit (one short connection per message).</summary>
public sealed partial class SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> logger) : IMessageSender
{
    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress(smtp.FromName, smtp.FromAddress));
        mail.To.Add(MailboxAddress.Parse(message.To));
        mail.Subject = message.Subject;
        mail.Body = new TextPart("plain") { Text = message.Text };

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (smtp.UserName.Length > 0)
                await client.AuthenticateAsync(smtp.UserName, smtp.Password, cancellationToken);
            await client.SendAsync(mail, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or TimeoutException
                                              or CommandException or ProtocolException or MailKit.Security.AuthenticationException
                                              or MailKit.Security.SslHandshakeException)
        {
            LogFailed(exception.GetType().Name);
            throw new MessageDeliveryException("The SMTP relay did not accept the message.", exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMTP relay did not accept a message ({Error})")]
    private partial void LogFailed(string error);
}
