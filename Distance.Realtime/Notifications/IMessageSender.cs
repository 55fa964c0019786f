namespace Distance.Realtime.Notifications;

/// <summary>One message to one address (a phone number as digits, or an e-mail address).</summary>
public sealed record OutgoingMessage(string To, string Subject, string Text);

/// <summary>
/// Delivers a message through one channel: the Development outbox, SMTP or the SMS provider.
/// Throws <see cref="MessageDeliveryException"/> when the provider refuses or cannot be reached.
/// </summary>
public interface IMessageSender
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

public sealed class MessageDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
