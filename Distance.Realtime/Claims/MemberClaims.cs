using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Distance.Realtime.Claims;

/// <summary>Claim names of Distance's access tokens and the helpers that read them.</summary>
public static class MemberClaims
{
    public const string MemberIdClaim = "sub";
    public const string LoginIdClaim = "sid";

    /// <summary>The role claim; "operator" for members listed in Moderation:OperatorPhones (OperatorOptions).</summary>
    public const string RoleClaim = "role";
    public const string OperatorRole = "operator";

    public static long MemberId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(MemberIdClaim)!, System.Globalization.CultureInfo.InvariantCulture);

    public static long LoginId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(LoginIdClaim)!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SignalR's user id is the member id, so <c>Clients.User(id)</c> reaches every connection on every node.</summary>
    public sealed class UserIdProvider : IUserIdProvider
    {
        public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirstValue(MemberIdClaim);
    }
}
