using System.Security.Claims;
using Distance.Data.Push;
using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Push;

internal static class PushEndpoints
{
    /// <summary>PUT /api/me/push: this login's device (a second PUT replaces it; another login keeps its own).</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> PutAsync(
        PushRegistrationRequest? request, ClaimsPrincipal user, PushRegistrationRepository registrations,
        IOptions<PushOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var device = PushRegistrationRules.Validate(request, options.Value.AllowInsecureEndpoints, errors);
        if (device is null)
            return Problems.Validation(errors);
        if (!await registrations.RegisterAsync(user.LoginId(), user.MemberId(), device, cancellationToken))
            return Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.TokenInvalid, "The login has ended.");
        return TypedResults.NoContent();
    }

    /// <summary>DELETE /api/me/push: this login gets no more pushes (logout does the same).</summary>
    public static async Task<NoContent> DeleteAsync(ClaimsPrincipal user, PushRegistrationRepository registrations, CancellationToken cancellationToken)
    {
        await registrations.RemoveAsync(user.LoginId(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>GET /api/push/webpush-key: the VAPID public key for PushManager.subscribe; 404 when Web Push is off.</summary>
    public static Results<Ok<WebPushKeyResponse>, ProblemHttpResult> GetWebPushKey(IOptions<PushOptions> options) =>
        options.Value.WebPush.PublicKey is { Length: > 0 } key
            ? TypedResults.Ok(new WebPushKeyResponse(key))
            : Problems.NotFound("Web Push is off.");
}
