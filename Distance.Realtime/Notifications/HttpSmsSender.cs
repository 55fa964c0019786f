using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Notifications;

/// <summary>Sends an SMS by POSTing <c>{"to","text"}</c> to the configured provider endpoint.</summary>
public sealed partial class HttpSmsSender(IHttpClientFactory clients, IOptions<SmsSenderOptions> options, ILogger<HttpSmsSender> logger)
    : IMessageSender
{
    public const string ClientName = "sms";

    private sealed record Payload(string To, string Text);

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var sms = options.Value;
        using var client = clients.CreateClient(ClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(sms.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, sms.Endpoint)
        {
            Content = JsonContent.Create(new Payload(message.To, message.Text)),
        };
        if (sms.ApiKey.Length > 0)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sms.ApiKey);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused((int)response.StatusCode);
                throw new MessageDeliveryException($"The SMS provider answered {(int)response.StatusCode}.");
            }
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreachable(exception.GetType().Name);
            throw new MessageDeliveryException("The SMS provider could not be reached.", exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider refused a message with status {Status}")]
    private partial void LogRefused(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider could not be reached ({Error})")]
    private partial void LogUnreachable(string error);
}
