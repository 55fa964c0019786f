using Distance.Realtime.Claims;
using Distance.Realtime.Errors;
using Distance.Realtime.Observability;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace Distance.Realtime.Identity;

internal static class JwtBearerSetup
{
    /// <summary>JWT bearer authentication with revocation checks; part of <see cref="IdentitySetup.AddIdentity"/>.</summary>
    public static IServiceCollection AddJwtAuthentication(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.Section)
            .PostConfigure(o =>
            {
                if (environment.IsDevelopment() && string.IsNullOrWhiteSpace(o.SigningKey))
                    o.SigningKey = DevelopmentSigningKey.LoadOrCreate(environment.ContentRootPath);
            })
            .ValidateDataAnnotations()
            .Validate(o => o.SigningKeyBytes().Length >= 32,
                "Jwt:SigningKey must be a base64 key of at least 256 bits (generate one with `openssl rand -base64 32`).")
            .ValidateOnStart();

        services.AddOperatorIdentity(environment);
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<IWarmUpStep, AuthenticationWarmUp>();
        services.AddSingleton<LoginRevocations>();
        services.AddSingleton<IUserIdProvider, MemberClaims.UserIdProvider>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
            {
                bearer.MapInboundClaims = false;
                // Nothing reads the token back (GetTokenAsync), and a hub connection keeps its
                // request's authentication result for its whole life: saved, every held
                // connection would carry a second copy of its token (issue 20).
                bearer.SaveToken = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(jwt.Value.SigningKeyBytes()),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = MemberClaims.MemberIdClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnMessageReceived = AcceptQueryTokenForHubs,
                    OnTokenValidated = async context =>
                    {
                        await RejectRevokedLogins(context);
                        if (context.Result is null && context.Principal is { } principal && HubPrincipal.IsHubRequest(context.Request))
                        {
                            context.Principal = HubPrincipal.WithoutToken(principal);
                            // The warm-up's negotiate and WebSocket over the loopback socket (ChatSocketWarmUp)
                            // are not traffic; no other request of a warm-up member reaches the server.
                            if (WarmUpMember.Is(principal) && context.HttpContext.Features.Get<IHttpMetricsTagsFeature>() is { } httpMetrics)
                                httpMetrics.MetricsDisabled = true;
                        }
                    },
                    OnChallenge = WriteProblem,
                };
            });
        services.AddAuthorization();
        return services;
    }

    /// <summary>Browsers cannot set headers on WebSockets or EventSource, so hubs also take ?access_token=.</summary>
    private static Task AcceptQueryTokenForHubs(MessageReceivedContext context)
    {
        var request = context.HttpContext.Request;
        if (request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var token))
            context.Token = token;
        return Task.CompletedTask;
    }

    /// <summary>HttpContext item set when the revocation list could not be read, so the challenge answers 503 instead of 401.</summary>
    private const string RevocationsUnavailable = "distance.auth.revocations-unavailable";

    private static async Task RejectRevokedLogins(TokenValidatedContext context)
    {
        var revocations = context.HttpContext.RequestServices.GetRequiredService<LoginRevocations>();
        bool revoked;
        try
        {
            revoked = context.Principal is null || await revocations.IsRevokedAsync(context.Principal.LoginId());
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Fail closed (a revoked token must not pass because Redis cannot tell), but as "try
            // again" rather than "log in again": the client keeps its tokens. Failing here instead
            // of throwing also spares the log an error per request during a Redis outage.
            context.HttpContext.Items[RevocationsUnavailable] = true;
            context.Fail("The revocation list is unavailable.");
            return;
        }
        if (revoked)
            context.Fail("The login was revoked.");
    }

    private static async Task WriteProblem(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        if (context.HttpContext.Items.ContainsKey(RevocationsUnavailable))
        {
            context.Response.Headers.RetryAfter = "5";
            await Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "A dependency is unavailable; retry later.")
                .ExecuteAsync(context.HttpContext);
            return;
        }
        var expired = context.AuthenticateFailure is SecurityTokenExpiredException;
        var code = expired ? ErrorCodes.TokenExpired : ErrorCodes.TokenInvalid;
        var title = expired ? "The access token has expired." : "A valid access token is required.";
        // The negotiate request of a hub is also challenged here; it gets the same body.
        await Problems.Create(StatusCodes.Status401Unauthorized, code, title).ExecuteAsync(context.HttpContext);
    }

}
