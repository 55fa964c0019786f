using Distance.Realtime.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Distance.Realtime.Auth;

internal static class AuthSetup
{
    public static IServiceCollection AddDistanceAuth(this IServiceCollection services, IHostEnvironment environment)
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

        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<LoginRevocations>();
        services.AddSingleton<IUserIdProvider, MemberClaims.UserIdProvider>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
            {
                bearer.MapInboundClaims = false;
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
                    OnTokenValidated = RejectRevokedLogins,
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

    private static async Task RejectRevokedLogins(TokenValidatedContext context)
    {
        var revocations = context.HttpContext.RequestServices.GetRequiredService<LoginRevocations>();
        if (context.Principal is null || await revocations.IsRevokedAsync(context.Principal.LoginId()))
            context.Fail("The login was revoked.");
    }

    private static async Task WriteProblem(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var expired = context.AuthenticateFailure is SecurityTokenExpiredException;
        var code = expired ? ErrorCodes.TokenExpired : ErrorCodes.TokenInvalid;
        var title = expired ? "The access token has expired." : "A valid access token is required.";
        // The negotiate request of a hub is also challenged here; it gets the same body.
        await Problems.Create(StatusCodes.Status401Unauthorized, code, title).ExecuteAsync(context.HttpContext);
    }

    /// <summary>Transports the contract allows for the hub: WebSockets first, SSE and long polling as fallbacks.</summary>
    public const HttpTransportType HubTransports =
        HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
}
