using System.Security.Claims;

namespace Distance.Realtime.Identity;

/// <summary>
/// A hub connection keeps the user of its request for as long as it is open, hours at a time and
/// tens of thousands per node. The token handler's identity also holds the parsed token (its raw
/// text, header and payload), which nothing reads once it is validated; the same claims in a plain
/// identity hold only the claims (issue 20, live heap per connection).
/// </summary>
internal static class HubPrincipal
{
    public static bool IsHubRequest(HttpRequest request) => request.Path.StartsWithSegments("/hubs");

    /// <summary>The same claims, authentication type, name and role claim types, without the token.</summary>
    public static ClaimsPrincipal WithoutToken(ClaimsPrincipal principal) => new(principal.Identities.Select(identity =>
        new ClaimsIdentity(
            identity.Claims.Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer, c.OriginalIssuer)),
            identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType)));
}
