using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Distance.Contracts;

namespace Distance.Client;

/// <summary>
/// The REST API of docs/api.md over an injected <see cref="HttpClient"/> (its BaseAddress is the
/// server). One instance speaks for one member: <see cref="AccessToken"/> goes on every request it
/// sends, so many members can share one HttpClient and its connection pool. A non-success answer
/// throws <see cref="DistanceApiException"/> with the status, code, field errors and Retry-After.
/// </summary>
public sealed partial class DistanceApiClient(HttpClient http, string? accessToken = null)
{
    public HttpClient Http { get; } = http;

    /// <summary>The bearer token sent with every request; null for the anonymous routes.</summary>
    public string? AccessToken { get; set; } = accessToken;

    /// <summary>
    /// When set, its access token goes on every request instead of <see cref="AccessToken"/>,
    /// refreshed before it expires, and a 401 token_expired/token_invalid on a typed call is answered
    /// by one refresh and one retry (<see cref="SendAsync(HttpRequestMessage, CancellationToken)"/>
    /// cannot resend its caller's request: its caller retries).
    /// </summary>
    public DistanceSession? Session { get; set; }

    /// <summary>The same server and HttpClient, speaking for another member.</summary>
    public DistanceApiClient As(string? accessToken) => new(Http, accessToken);

    /// <summary>Keeps the access token of <paramref name="tokens"/> for the requests that follow.</summary>
    public TokenPair Use(TokenPair tokens)
    {
        AccessToken = tokens.AccessToken;
        return tokens;
    }

    /// <summary>Sends a request with this client's token; the caller disposes the response. For routes or bodies this class does not type.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = Session is { } session ? await session.AccessTokenAsync(cancellationToken) : AccessToken;
        if (token is not null && request.Headers.Authorization is null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync<TBody>(HttpMethod method, string path, TBody body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path)
            {
                Content = body is null ? null : JsonContent.Create(body, options: ContractJson.Options),
            };
            var response = await SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
                return response;
            DistanceApiException error;
            using (response)
                error = await DistanceApiException.FromResponseAsync(response, cancellationToken);
            // The token expired in flight (or the clocks disagree): refresh once and send again.
            // Only for the token's own codes: a wrong password is a 401 too, and refreshing is no answer to it.
            if (attempt == 1 && error.Code is ErrorCodes.TokenExpired or ErrorCodes.TokenInvalid
                && Session is { } session && request.Headers.Authorization?.Parameter is { } sent)
            {
                await session.RefreshAsync(sent, cancellationToken);
                continue;
            }
            throw error;
        }
    }

    private async Task<TResult> ReadAsync<TBody, TResult>(HttpMethod method, string path, TBody body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        return await ReadBodyAsync<TResult>(response, cancellationToken);
    }

    private Task<TResult> GetAsync<TResult>(string path, CancellationToken cancellationToken) =>
        ReadAsync<object?, TResult>(HttpMethod.Get, path, null, cancellationToken);

    private async Task<HttpStatusCode> SendEmptyAsync<TBody>(HttpMethod method, string path, TBody body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        return response.StatusCode;
    }

    private static async Task<T> ReadBodyAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken)
        ?? throw new InvalidOperationException($"{(int)response.StatusCode} without a body where the contract promises one");

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
