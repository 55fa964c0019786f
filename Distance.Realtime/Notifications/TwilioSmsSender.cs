using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Distance.Realtime.Notifications;

/// <summary>
/// Twilio Programmable Messaging through Twilio's SDK (<c>MessageResource.CreateAsync</c>) on an
/// <see cref="System.Net.Http.HttpClient"/> from the factory, so the SDK's requests share the
/// app's handlers, tracing and timeouts. Korean numbers are sent in E.164 (+8210…).
/// </summary>
public sealed class TwilioSmsSender(IHttpClientFactory clients, IOptions<SmsSenderOptions> options, SmsDispatch dispatch)
    : IMessageSender
{
    public const string ClientName = "sms-twilio";

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        dispatch.SendAsync("twilio", async token =>
        {
            var twilio = options.Value.Twilio;
            var client = new TwilioRestClient(twilio.AccountSid, twilio.AuthToken,
                httpClient: new SystemNetHttpClient(clients.CreateClient(ClientName)));
            var create = new CreateMessageOptions(new PhoneNumber(E164(message.To)))
            {
                From = new PhoneNumber(twilio.From),
                Body = message.Text,
            };
            try
            {
                // The SDK takes no token: the attempt stops waiting on cancellation and the HttpClient's own timeout ends the request.
                await MessageResource.CreateAsync(create, client).WaitAsync(token);
            }
            catch (ApiConnectionException unreachable)
            {
                throw new HttpRequestException("Twilio could not be reached: " + unreachable.Message, unreachable);
            }
            catch (ApiException refused)
            {
                throw new SmsProviderException(refused.Status, $"{refused.Code}: {refused.Message}", SmsProviderException.IsTransient(refused.Status), refused);
            }
        }, cancellationToken);

    /// <summary>Korean mobile digits (010…) as E.164 (+8210…); anything already international passes through.</summary>
    internal static string E164(string phone) => phone.StartsWith('+') ? phone : "+82" + phone.TrimStart('0');
}

/// <summary>
/// Points the Twilio SDK, which always builds <c>https://api.twilio.com/…</c>, at
/// <see cref="TwilioOptions.BaseUrl"/> when that differs (a local stand-in); the path and query stay.
/// </summary>
internal sealed class TwilioBaseUrlHandler(IOptions<SmsSenderOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = new Uri(options.Value.Twilio.BaseUrl);
        if (request.RequestUri is { } uri && uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase) && uri.Authority != target.Authority)
            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
