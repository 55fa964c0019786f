using Distance.Contracts;
using Distance.Realtime.Claims;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Distance.Realtime.Identity;

/// <summary>
/// What a request pays before its endpoint or hub, run before readiness (<see cref="WarmUp"/>): an
/// access token issued, then authenticated by the bearer handler with its events (the revocation
/// check in Redis, the hub's token-free principal), once as a hub connection sends it (the query
/// string) and once as the API gets it (the header). The members of a surge connect first: 2,000
/// connections validated their tokens just before the messages started, and the JIT's tier-1
/// compilations of that code (~300 methods of the token handler) ran in the surge's first seconds
/// (issue 20). It reads only: the token is for a member id no member has (negative), and nothing
/// is stored.
/// </summary>
internal sealed class AuthenticationWarmUp(AccessTokenIssuer issuer, IServiceScopeFactory scopes) : IWarmUpStep
{
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        var memberId = WarmUpMember.NewId();
        var token = issuer.Issue(memberId, memberId).Token;
        await AuthenticateAsync(memberId, ChatHubNames.Path, context => context.Request.QueryString = QueryString.Create("access_token", token), cancellationToken);
        await AuthenticateAsync(memberId, "/api/me", context => context.Request.Headers.Authorization = "Bearer " + token, cancellationToken);
    }

    public Task CleanUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task AuthenticateAsync(long memberId, string path, Action<HttpContext> withToken, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = cancellationToken };
        context.Request.Path = path;
        withToken(context);
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal.MemberId() != memberId)
            throw new InvalidOperationException($"The warm-up's token did not authenticate at {path}: {result.Failure?.Message ?? "no principal"}");
    }
}
