namespace Distance.Realtime.Notifications;

/// <summary>The channels features send through; which sender stands behind each is decided at start-up.</summary>
public sealed class Messenger(
    [FromKeyedServices(Messenger.SmsChannel)] IMessageSender sms,
    [FromKeyedServices(Messenger.EmailChannel)] IMessageSender email)
{
    public const string SmsChannel = "sms";
    public const string EmailChannel = "email";

    public Task SendSmsAsync(string phone, string text, CancellationToken cancellationToken) =>
        sms.SendAsync(new OutgoingMessage(phone, "", text), cancellationToken);

    public Task SendEmailAsync(string address, string subject, string text, CancellationToken cancellationToken) =>
        email.SendAsync(new OutgoingMessage(address, subject, text), cancellationToken);
}
