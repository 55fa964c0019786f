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
        if (AccessToken is not null && request.Headers.Authorization is null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync<TBody>(HttpMethod method, string path, TBody body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : JsonContent.Create(body, options: ContractJson.Options),
        };
        var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await DistanceApiException.FromResponseAsync(response, cancellationToken);
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
