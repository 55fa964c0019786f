using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Notifications;

/// <summary>The generic relay: POSTs <c>{"to","text"}</c> to the configured endpoint with a bearer key.</summary>
public sealed class HttpSmsSender(IHttpClientFactory clients, IOptions<SmsSenderOptions> options, SmsDispatch dispatch)
    : IMessageSender
{
    public const string ClientName = "sms-relay";

    private sealed record Payload(string To, string Text);

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        dispatch.SendAsync("relay", async token =>
        {
            var sms = options.Value;
            using var client = clients.CreateClient(ClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, sms.Endpoint)
            {
                Content = JsonContent.Create(new Payload(message.To, message.Text)),
            };
            if (sms.ApiKey.Length > 0)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sms.ApiKey);
            using var response = await client.SendAsync(request, token);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(token);
                throw new SmsProviderException(status, $"{status} {Shorten(body)}", SmsProviderException.IsTransient(status));
            }
        }, cancellationToken);

    internal static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
