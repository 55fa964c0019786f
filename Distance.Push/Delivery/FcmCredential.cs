using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Distance.Push.Delivery;

/// <summary>
/// The OAuth 2.0 access token FCM HTTP v1 wants, from a service account: Google.Apis.Auth signs
/// the JWT assertion, exchanges it at the JSON's token_uri and caches the token until shortly
/// before it expires. token_uri is honoured as given, so tests point it at a local stand-in.
/// </summary>
public sealed class FcmCredential
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly Lazy<(ServiceAccountCredential Credential, string ProjectId)> account;

    public FcmCredential(IOptions<FcmOptions> options)
    {
        var fcm = options.Value;
        account = new(() => Load(fcm));
    }

    public string ProjectId => account.Value.ProjectId;

    public Task<string> AccessTokenAsync(CancellationToken cancellationToken) =>
        account.Value.Credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);

    private static (ServiceAccountCredential, string) Load(FcmOptions options)
    {
        var json = options.ServiceAccountJson.Length > 0 ? options.ServiceAccountJson : File.ReadAllText(options.ServiceAccountFile);
        var account = JsonSerializer.Deserialize<ServiceAccountFile>(json)
            ?? throw new InvalidOperationException("The FCM service account JSON is empty.");
        if (account.Type != "service_account" || string.IsNullOrEmpty(account.ClientEmail) || string.IsNullOrEmpty(account.PrivateKey))
            throw new InvalidOperationException("The FCM service account JSON needs type service_account, client_email and private_key.");
        var projectId = options.ProjectId.Length > 0 ? options.ProjectId : account.ProjectId
            ?? throw new InvalidOperationException("The FCM service account JSON has no project_id (set Push:Fcm:ProjectId).");
        var tokenUri = string.IsNullOrEmpty(account.TokenUri) ? GoogleAuthConsts.OidcTokenUrl : account.TokenUri;
        var credential = new ServiceAccountCredential(new ServiceAccountCredential.Initializer(account.ClientEmail, tokenUri)
        {
            Scopes = [Scope],
            ProjectId = projectId,
        }.FromPrivateKey(account.PrivateKey));
        return (credential, projectId);
    }

    private sealed record ServiceAccountFile(
        [property: System.Text.Json.Serialization.JsonPropertyName("type")] string? Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("project_id")] string? ProjectId,
        [property: System.Text.Json.Serialization.JsonPropertyName("client_email")] string? ClientEmail,
        [property: System.Text.Json.Serialization.JsonPropertyName("private_key")] string? PrivateKey,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_uri")] string? TokenUri);
}
