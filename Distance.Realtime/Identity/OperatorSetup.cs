using Distance.Data.Auth;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Identity;

internal static class OperatorSetup
{
    /// <summary>Operator phones and the phone-hash key (<see cref="OperatorOptions"/>), validated at start-up like the JWT key.</summary>
    public static IServiceCollection AddOperatorIdentity(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<OperatorOptions>()
            .BindConfiguration(OperatorOptions.Section)
            .PostConfigure(o =>
            {
                if (environment.IsDevelopment() && string.IsNullOrWhiteSpace(o.PhoneHashKey))
                    o.PhoneHashKey = DevelopmentSigningKey.LoadOrCreate(environment.ContentRootPath, "phone-hash.key");
                // 010-1234-5678 and 01012345678 are the same phone, as everywhere in the contract.
                // An empty entry (a deployment's unset variable) names nobody.
                o.OperatorPhones = o.OperatorPhones.Select(p => p.Replace("-", "", StringComparison.Ordinal).Trim()).Where(p => p.Length > 0).ToArray();
            })
            .Validate(o => o.PhoneHashKeyBytes().Length >= 32,
                "Moderation:PhoneHashKey must be a base64 key of at least 256 bits (generate one with `openssl rand -base64 32`).")
            .Validate(o => o.PhoneHashKeyBytes() is var key && (key.Length < 32 || key.Distinct().Count() >= 16),
                "Moderation:PhoneHashKey is not random (too few distinct bytes); generate one with `openssl rand -base64 32`.")
            .Validate(o => o.OperatorPhones.All(p => p.Length == 11 && p.StartsWith("01", StringComparison.Ordinal) && p.All(char.IsAsciiDigit)),
                "Moderation:OperatorPhones must be mobile numbers as digits, e.g. 01012345678.")
            .ValidateOnStart();
        services.AddSingleton<OperatorRoles>();
        services.AddSingleton(sp => new PhoneHasher(sp.GetRequiredService<IOptions<OperatorOptions>>().Value.PhoneHashKeyBytes()));
        return services;
    }
}
