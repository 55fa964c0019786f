namespace Distance.Realtime.Accounts;

internal static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<SmsVerification>();
        services.AddSingleton<VerificationTokens>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<MemberSessions>();
        services.AddSingleton<AccountsLog>();
        return services;
    }

    /// <summary>Sign-up, phone verification and sessions: all anonymous (they are how a client gets a token).</summary>
    public static WebApplication MapAccounts(this WebApplication app)
    {
        app.MapGroup("/api")
            .WithTags("Accounts")
            .AllowAnonymous()
            .MapSmsVerification()
            .MapSignUp()
            .MapAuth();
        return app;
    }
}
